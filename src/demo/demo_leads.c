/*
 * demo_leads.c - leads: one for every deal that came from a lead (converted when
 * the deal was created), and half again as many that were not converted: recent
 * ones still being worked (new, contacted, mql, sql), older ones mostly
 * disqualified, a few forgotten. Sources convert differently (referrals best, paid
 * ads worst). Leads are numbered in order of arrival.
 *
 * Status timestamps follow the records API's rules: each status past `new` that a
 * lead reached has its time (mql_at <= sql_at <= converted_at), all between the
 * lead's creation and now; a disqualified lead has disqualified_at.
 */
#include <stdio.h>
#include <stdlib.h>

#include "core/i18n.h"
#include "demo/demo_int.h"

typedef struct {
    int64_t created;
    int64_t deal; /* index of the deal it became, -1 if none */
    int64_t key;  /* its own random stream */
} lead_seed;

static int cmp_lead(const void *a, const void *b)
{
    const lead_seed *x = a, *y = b;
    if (x->created != y->created)
        return (x->created > y->created) - (x->created < y->created);
    return (x->key > y->key) - (x->key < y->key);
}

static int64_t between(demo_rng *r, int64_t from, int64_t to, int lo_pc, int hi_pc)
{
    if (to <= from)
        return from;
    return from + (to - from) * demo_rng_range(r, lo_pc, hi_pc) / 100;
}

static int64_t capped(int64_t t, int64_t now) { return t > now ? now : t; }

enum { L_NEW, L_CONTACTED, L_MQL, L_SQL, L_CONVERTED, L_DISQUALIFIED };
static const char *const status_names[] = {"new", "contacted", "mql", "sql", "converted", "disqualified"};

typedef struct {
    int status, source, rep, touched;
    int64_t account; /* 0: none */
    int64_t mql, sql, converted, disqualified;
    int64_t score;
} lead_story;

static void unconverted_story(const demo_gen *g, demo_rng *r, int64_t created, lead_story *s)
{
    static const int src_w[NLEAD_SOURCES] = {30, 35, 12, 12, 4, 7};
    static const int recent_w[6] = {20, 35, 25, 10, 0, 10};
    static const int old_w[6] = {5, 12, 3, 0, 0, 80};
    s->source = demo_rng_weighted(r, src_w, NLEAD_SOURCES);
    demo_pick_seat(g, r, created, &s->rep);
    s->status = demo_rng_weighted(r, g->now - created < 45 * DAY ? recent_w : old_w, 6);
    int64_t mql = capped(created + 3600 + demo_rng_spread(r, 5 * DAY), g->now);
    int64_t sql = capped(mql + 3600 + demo_rng_spread(r, 6 * DAY), g->now);
    switch (s->status) {
    case L_NEW:
    case L_CONTACTED:
        s->score = demo_rng_range(r, 0, 60);
        break;
    case L_MQL:
        s->mql = mql;
        s->score = demo_rng_range(r, 40, 80);
        break;
    case L_SQL:
        s->mql = mql;
        s->sql = sql;
        s->score = demo_rng_range(r, 60, 95);
        break;
    default: {
        int reached = (int)demo_rng_below(r, 100);
        int64_t from = created;
        if (reached < 40)
            from = s->mql = mql;
        if (reached < 10)
            from = s->sql = sql;
        s->disqualified = capped(from + 3600 + demo_rng_spread(r, 15 * DAY), g->now);
        s->score = demo_rng_range(r, 0, 40);
    }
    }
    s->touched = s->status != L_NEW;
}

emb_code demo_write_leads(demo_gen *g, emb_err *err)
{
    static const char *const cols[] = {"id",      "name",        "company",    "email",      "phone",
                                       "source",  "status",      "score",      "owner_id",   "account_id",
                                       "created", "mql_at",      "sql_at",     "converted_at", "disqualified_at"};
    int64_t converted = 0;
    for (int64_t i = 0; i < g->ndeals; i++)
        converted += g->deals[i].lead_id != 0;
    int64_t others = converted * 3 / 2;
    if (others < 5)
        others = 5;
    int64_t n = converted + others;
    lead_seed *leads = malloc((size_t)n * sizeof *leads);
    if (!leads)
        return emb_err_set(err, EMB_NOMEM, _("out of memory for %lld leads"), (long long)n);
    int64_t j = 0;
    for (int64_t i = 0; i < g->ndeals; i++)
        if (g->deals[i].lead_id) {
            leads[j] = (lead_seed){g->deals[i].lead_created, i, j};
            j++;
        }
    demo_rng r;
    demo_rng_init(&r, g->seed, RS_LEAD_TIMES, 0);
    for (; j < n; j++)
        leads[j] = (lead_seed){demo_pick_time(g, &r, 1), -1, j};
    qsort(leads, (size_t)n, sizeof *leads, cmp_lead);

    bulk *b = NULL;
    emb_code rc = bulk_open(g->st, "leads", cols, 15, 0, &b, err);
    int64_t step = n / 50 + 1;
    for (int64_t k = 0; k < n && !rc; k++) {
        const lead_seed *ls = &leads[k];
        int64_t id = k + 1;
        demo_rng_init(&r, g->seed, RS_LEAD, (uint64_t)ls->key);
        lead_story s = {0};
        char company[160], domain[96], name[96], login[96], email[200], phone[32];
        int region;
        if (ls->deal >= 0) {
            demo_deal_seed *d = &g->deals[ls->deal];
            d->lead_id = id;
            s.status = L_CONVERTED;
            s.source = d->source;
            s.rep = d->rep;
            s.account = d->account + 1;
            s.converted = d->created;
            s.mql = between(&r, ls->created, s.converted, 10, 40);
            s.sql = between(&r, s.mql, s.converted, 30, 80);
            s.score = demo_rng_range(&r, 60, 100);
            s.touched = 1;
            const demo_account *acc = &g->accounts[d->account];
            region = acc->region;
            demo_company_name(g, (uint64_t)d->account, acc->industry, region, company, sizeof company, domain,
                              sizeof domain);
        } else {
            unconverted_story(g, &r, ls->created, &s);
            const demo_team *tm = &g->teams[g->reps[s.rep].team];
            region = tm->regions[demo_rng_below(&r, (uint64_t)tm->nregions)];
            demo_company_name(g, (uint64_t)(g->naccounts + ls->key), (int)demo_rng_below(&r, NINDUSTRIES), region,
                              company, sizeof company, domain, sizeof domain);
        }
        demo_person_name(demo_person_any(&r), name, sizeof name, login, sizeof login);
        snprintf(email, sizeof email, "%s@%s", login, domain);
        demo_phone(&r, region, phone, sizeof phone);
        bulk_int(b, id);
        bulk_text(b, name);
        bulk_text(b, company);
        bulk_text(b, email);
        bulk_text(b, phone);
        bulk_text(b, demo_source_names[s.source]);
        bulk_text(b, status_names[s.status]);
        bulk_int(b, s.score);
        bulk_int(b, g->reps[s.rep].user_id);
        bulk_int_or_null(b, s.account > 0, s.account);
        bulk_int(b, ls->created);
        bulk_int_or_null(b, s.mql > 0, s.mql);
        bulk_int_or_null(b, s.sql > 0, s.sql);
        bulk_int_or_null(b, s.converted > 0, s.converted);
        bulk_int_or_null(b, s.disqualified > 0, s.disqualified);
        rc = bulk_end_row(b, err);
        int64_t end = s.converted ? s.converted : s.disqualified ? s.disqualified : g->now;
        if (!rc)
            rc = demo_lead_activities(g, &r, id, s.rep, ls->created, end, s.touched, err);
        int64_t m = demo_month_of_day(demo_local_day(ls->created)) - g->first_month;
        if (m >= 0 && m < g->nmonths)
            g->leads_by_source[m * NLEAD_SOURCES + s.source]++;
        if (g->p->progress && k % step == 0)
            g->p->progress(g->p->progress_user, "leads", k, n);
    }
    if (!rc)
        rc = bulk_flush(b, err);
    bulk_free(b);
    free(leads);
    g->nleads = n;
    g->stats->leads = n;
    return rc;
}
