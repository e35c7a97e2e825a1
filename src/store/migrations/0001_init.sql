-- 0001_init.sql: the first schema of Embudo.
-- Conventions: STRICT tables; ids are INTEGER PRIMARY KEY; ext_id is the source
-- system's own identifier (unique per table, kept on import); money is INTEGER
-- minor units next to an ISO 4217 currency; instants are INTEGER Unix seconds UTC;
-- calendar dates (expected close, periods) are TEXT 'YYYY-MM-DD'; rates and
-- probabilities are INTEGER basis points (1 bp = 0.01 %). Enumerations of three or
-- more values are checked with OR, not IN (...): SQLite builds a temporary index for
-- such an IN list on every row written, which made bulk inserts 3x slower.

CREATE TABLE organisation (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    name              TEXT NOT NULL,
    currency          TEXT NOT NULL DEFAULT 'EUR' CHECK (length(currency) = 3),
    timezone          TEXT NOT NULL DEFAULT 'UTC',
    fiscal_year_start INTEGER NOT NULL DEFAULT 1 CHECK (fiscal_year_start BETWEEN 1 AND 12),
    week_start        INTEGER NOT NULL DEFAULT 1 CHECK (week_start BETWEEN 1 AND 7), -- 1 = Monday
    locale            TEXT NOT NULL DEFAULT 'en' CHECK (locale IN ('en', 'es')),
    generation        INTEGER NOT NULL DEFAULT 0 -- bumped by every write transaction
) STRICT;

CREATE TABLE regions (
    id     INTEGER PRIMARY KEY,
    ext_id TEXT UNIQUE,
    name   TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    ext_id        TEXT UNIQUE,
    name          TEXT NOT NULL,
    email         TEXT UNIQUE,
    role          TEXT NOT NULL DEFAULT 'rep' CHECK (role = 'admin' OR role = 'manager' OR
                                                     role = 'rep' OR role = 'viewer'),
    team_id       INTEGER REFERENCES teams(id) ON DELETE SET NULL,
    manager_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
    region_id     INTEGER REFERENCES regions(id) ON DELETE SET NULL,
    title         TEXT,
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    password_hash TEXT, -- NULL: the user has no login
    created       INTEGER NOT NULL
) STRICT;
CREATE INDEX users_team ON users(team_id);

CREATE TABLE teams (
    id         INTEGER PRIMARY KEY,
    ext_id     TEXT UNIQUE,
    name       TEXT NOT NULL UNIQUE,
    manager_id INTEGER REFERENCES users(id) ON DELETE SET NULL,
    region_id  INTEGER REFERENCES regions(id) ON DELETE SET NULL
) STRICT;

CREATE TABLE accounts (
    id        INTEGER PRIMARY KEY,
    ext_id    TEXT UNIQUE,
    name      TEXT NOT NULL,
    industry  TEXT,
    segment   TEXT,
    region_id INTEGER REFERENCES regions(id) ON DELETE SET NULL,
    owner_id  INTEGER REFERENCES users(id) ON DELETE SET NULL,
    parent_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    country   TEXT,
    city      TEXT,
    employees INTEGER CHECK (employees >= 0),
    created   INTEGER NOT NULL
) STRICT;
CREATE INDEX accounts_name ON accounts(name);

CREATE TABLE contacts (
    id         INTEGER PRIMARY KEY,
    ext_id     TEXT UNIQUE,
    name       TEXT NOT NULL,
    email      TEXT,
    phone      TEXT,
    title      TEXT,
    account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    owner_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    created    INTEGER NOT NULL
) STRICT;
CREATE INDEX contacts_account ON contacts(account_id);
CREATE INDEX contacts_email ON contacts(email);

CREATE TABLE leads (
    id              INTEGER PRIMARY KEY,
    ext_id          TEXT UNIQUE,
    name            TEXT NOT NULL,
    company         TEXT,
    email           TEXT,
    phone           TEXT,
    source          TEXT,
    status          TEXT NOT NULL DEFAULT 'new'
                    CHECK (status = 'new' OR status = 'contacted' OR status = 'mql' OR
                           status = 'sql' OR status = 'converted' OR status = 'disqualified'),
    score           INTEGER,
    owner_id        INTEGER REFERENCES users(id) ON DELETE SET NULL,
    account_id      INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    created         INTEGER NOT NULL,
    mql_at          INTEGER, -- first time the lead reached each status, NULL if never
    sql_at          INTEGER,
    converted_at    INTEGER,
    disqualified_at INTEGER
) STRICT;
CREATE INDEX leads_created ON leads(created);

CREATE TABLE pipelines (
    id         INTEGER PRIMARY KEY,
    ext_id     TEXT UNIQUE,
    name       TEXT NOT NULL UNIQUE,
    is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1))
) STRICT;

CREATE TABLE stages (
    id             INTEGER PRIMARY KEY,
    pipeline_id    INTEGER NOT NULL REFERENCES pipelines(id) ON DELETE CASCADE,
    position       INTEGER NOT NULL,
    name           TEXT NOT NULL,
    name_es        TEXT,
    probability_bp INTEGER NOT NULL CHECK (probability_bp BETWEEN 0 AND 10000),
    kind           TEXT NOT NULL CHECK (kind = 'open' OR kind = 'won' OR kind = 'lost'),
    UNIQUE (pipeline_id, name)
) STRICT;
CREATE INDEX stages_position ON stages(pipeline_id, position);

CREATE TABLE products (
    id       INTEGER PRIMARY KEY,
    ext_id   TEXT UNIQUE,
    sku      TEXT UNIQUE,
    name     TEXT NOT NULL,
    category TEXT,
    price    INTEGER CHECK (price >= 0),
    cost     INTEGER CHECK (cost >= 0),
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    active   INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;
CREATE INDEX products_name ON products(name);

CREATE TABLE deals (
    id                INTEGER PRIMARY KEY,
    ext_id            TEXT UNIQUE,
    title             TEXT NOT NULL,
    account_id        INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    contact_id        INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    owner_id          INTEGER REFERENCES users(id) ON DELETE SET NULL,
    pipeline_id       INTEGER NOT NULL REFERENCES pipelines(id),
    stage_id          INTEGER NOT NULL REFERENCES stages(id),
    status            TEXT NOT NULL CHECK (status = 'open' OR status = 'won' OR status = 'lost'),
    amount            INTEGER, -- NULL: not known yet
    currency          TEXT NOT NULL CHECK (length(currency) = 3),
    expected_close    TEXT,
    probability_bp    INTEGER CHECK (probability_bp BETWEEN 0 AND 10000), -- NULL: the stage's
    forecast_category TEXT CHECK (forecast_category = 'commit' OR forecast_category = 'best_case' OR
                                  forecast_category = 'pipeline' OR forecast_category = 'omitted'),
    lost_reason       TEXT,
    source            TEXT,
    lead_id           INTEGER REFERENCES leads(id) ON DELETE SET NULL,
    created           INTEGER NOT NULL,
    closed            INTEGER,
    CHECK (closed IS NULL OR closed >= created),
    CHECK ((status = 'open') = (closed IS NULL))
) STRICT;
CREATE INDEX deals_owner ON deals(owner_id);
CREATE INDEX deals_account ON deals(account_id);
CREATE INDEX deals_created ON deals(created);

CREATE TABLE deal_products (
    id          INTEGER PRIMARY KEY,
    deal_id     INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    product_id  INTEGER NOT NULL REFERENCES products(id),
    quantity    INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0),
    unit_price  INTEGER CHECK (unit_price >= 0),
    discount_bp INTEGER NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000),
    UNIQUE (deal_id, product_id)
) STRICT;

-- Append-only: one row per change, holding the tracked fields as they were right
-- after the change, so a deal as of instant T is its last row with at <= T.
CREATE TABLE deal_history (
    id             INTEGER PRIMARY KEY,
    deal_id        INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    at             INTEGER NOT NULL,
    author_id      INTEGER REFERENCES users(id) ON DELETE SET NULL,
    changed        TEXT NOT NULL, -- comma list: created,stage,amount,owner,expected_close,status
    stage_id       INTEGER NOT NULL,
    status         TEXT NOT NULL CHECK (status = 'open' OR status = 'won' OR status = 'lost'),
    amount         INTEGER,
    currency       TEXT NOT NULL,
    owner_id       INTEGER,
    expected_close TEXT
) STRICT;
CREATE INDEX deal_history_deal ON deal_history(deal_id, at);
CREATE TRIGGER deal_history_append_only BEFORE UPDATE ON deal_history
BEGIN
    SELECT RAISE(ABORT, 'deal history is append-only');
END;

CREATE TABLE activities (
    id         INTEGER PRIMARY KEY,
    ext_id     TEXT UNIQUE,
    type       TEXT NOT NULL CHECK (type = 'call' OR type = 'email' OR type = 'meeting' OR
                                    type = 'task' OR type = 'note'),
    subject    TEXT,
    owner_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    deal_id    INTEGER REFERENCES deals(id) ON DELETE SET NULL,
    lead_id    INTEGER REFERENCES leads(id) ON DELETE SET NULL,
    account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    contact_id INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    due        INTEGER,
    done       INTEGER, -- completion instant; NULL while open
    duration_s INTEGER CHECK (duration_s >= 0),
    outcome    TEXT CHECK (outcome = 'connected' OR outcome = 'no_answer' OR outcome = 'sent' OR
                           outcome = 'opened' OR outcome = 'replied' OR outcome = 'bounced' OR
                           outcome = 'scheduled' OR outcome = 'held' OR outcome = 'cancelled' OR
                           outcome = 'rejected'),
    cold       INTEGER NOT NULL DEFAULT 0 CHECK (cold IN (0, 1)),
    created    INTEGER NOT NULL
) STRICT;
CREATE INDEX activities_deal ON activities(deal_id);
CREATE INDEX activities_owner ON activities(owner_id);

CREATE TABLE orders (
    id         INTEGER PRIMARY KEY,
    ext_id     TEXT UNIQUE,
    account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    owner_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    deal_id    INTEGER REFERENCES deals(id) ON DELETE SET NULL,
    region_id  INTEGER REFERENCES regions(id) ON DELETE SET NULL,
    ordered    INTEGER NOT NULL,
    shipped    INTEGER,
    currency   TEXT NOT NULL CHECK (length(currency) = 3)
) STRICT;
CREATE INDEX orders_ordered ON orders(ordered);

-- net_amount = round_half_away(quantity x unit_price x (1 - discount)) when unit_price
-- is known, else the amount given by the source; cost_amount = quantity x unit_cost,
-- or net_amount - profit when the source gives profit. Both in the order's currency.
CREATE TABLE order_lines (
    id          INTEGER PRIMARY KEY,
    ext_id      TEXT UNIQUE,
    order_id    INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    product_id  INTEGER REFERENCES products(id),
    quantity    INTEGER NOT NULL CHECK (quantity > 0),
    unit_price  INTEGER CHECK (unit_price >= 0),
    discount_bp INTEGER NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000),
    unit_cost   INTEGER CHECK (unit_cost >= 0),
    net_amount  INTEGER NOT NULL,
    cost_amount INTEGER
) STRICT;
CREATE INDEX order_lines_order ON order_lines(order_id, product_id);

CREATE TABLE goals (
    id          INTEGER PRIMARY KEY,
    ext_id      TEXT UNIQUE,
    metric      TEXT NOT NULL,
    scope       TEXT NOT NULL CHECK (scope = 'org' OR scope = 'team' OR scope = 'rep'),
    team_id     INTEGER REFERENCES teams(id) ON DELETE CASCADE,
    user_id     INTEGER REFERENCES users(id) ON DELETE CASCADE,
    period      TEXT NOT NULL, -- as written: 2026-Q3, 2026-07, FY2026 ...
    period_from TEXT NOT NULL, -- [from, to) calendar dates in the organisation's zone
    period_to   TEXT NOT NULL,
    target      INTEGER NOT NULL, -- in the metric's unit: minor units, a count, or bp
    CHECK ((scope = 'org' AND team_id IS NULL AND user_id IS NULL)
        OR (scope = 'team' AND team_id IS NOT NULL AND user_id IS NULL)
        OR (scope = 'rep' AND user_id IS NOT NULL AND team_id IS NULL)),
    CHECK (period_from < period_to)
) STRICT;

CREATE TABLE expenses (
    id          INTEGER PRIMARY KEY,
    ext_id      TEXT UNIQUE,
    category    TEXT NOT NULL CHECK (category = 'marketing' OR category = 'sales' OR category = 'other'),
    channel     TEXT,
    period_from TEXT NOT NULL,
    period_to   TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    currency    TEXT NOT NULL CHECK (length(currency) = 3),
    note        TEXT,
    CHECK (period_from < period_to)
) STRICT;

-- rate_e9: value of one unit of currency in the reporting currency, x 10^9.
CREATE TABLE exchange_rates (
    id       INTEGER PRIMARY KEY,
    ext_id   TEXT UNIQUE,
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    date     TEXT NOT NULL,
    rate_e9  INTEGER NOT NULL CHECK (rate_e9 > 0),
    UNIQUE (currency, date)
) STRICT;

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    user_id   INTEGER REFERENCES users(id) ON DELETE SET NULL,
    action    TEXT NOT NULL, -- insert, update, delete, import
    kind      TEXT NOT NULL,
    record_id INTEGER,
    detail    TEXT -- JSON
) STRICT;

INSERT INTO organisation (id, name) VALUES (1, 'My company');
INSERT INTO pipelines (id, name, is_default) VALUES (1, 'Sales', 1);
INSERT INTO stages (pipeline_id, position, name, name_es, probability_bp, kind) VALUES
    (1, 1, 'Prospecting',   'Prospección',   1000, 'open'),
    (1, 2, 'Qualification', 'Calificación',  2000, 'open'),
    (1, 3, 'Proposal',      'Propuesta',     5000, 'open'),
    (1, 4, 'Negotiation',   'Negociación',   7500, 'open'),
    (1, 5, 'Won',           'Ganado',       10000, 'won'),
    (1, 6, 'Lost',          'Perdido',          0, 'lost');
