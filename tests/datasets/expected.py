#!/usr/bin/env python3
"""expected.py - the values an import of each public dataset must produce, computed
straight from the raw CSV files with the Python standard library, never with Embudo.

Usage: expected.py DATASET [DATASETS_DIR [--annotate]]
DATASET: maven, northwind, northwind-float, superstore, olist. DATASETS_DIR defaults
to $DATASETS (pass "" to use it with --annotate). --annotate precedes each check
with a "# how it was computed" line: that is the form of the committed files in
tests/datasets/expected/. Prints one "key<TAB>value" line per check, in
the same form as the SQL queries of tests/datasets/<dataset>.sql print them from the
database, so compare.py can put the two side by side. Keys "name[arg]" form a group
(one value per rep, product, segment ...); arg "(none)" stands for an empty cell.

Units, as Embudo stores them (0001_init.sql, METRICS.md):
  money   integer cents, each value rounded half away from zero to the cent where
          it enters (Decimal ROUND_HALF_UP rounds away from zero for negatives too);
  lines   net = round_half_away(quantity x unit_price x (1 - discount), 2), with the
          unit price first rounded to the cent and the discount to 0.01 %;
  times   Unix seconds UTC: a date alone is midnight in the organisation's zone,
          computed here with zoneinfo (in a spring-forward gap the offset before the
          transition applies, i.e. the time moves forward by the gap, as tz.h says).

The choices the documented commands make (docs/import.md) are constants below:
which stage Maven's "Engaging" becomes, the creation date given to its Prospecting
deals that have no engage date, the time zone of each organisation.
"""
import csv
import os
import sys
from collections import Counter, defaultdict
from datetime import datetime, timezone
from decimal import Decimal, ROUND_HALF_UP
from zoneinfo import ZoneInfo

CENT = Decimal("0.01")
BP = Decimal("0.0001")

# Documented import choices (docs/import.md); the commands in
# tests/integration/datasets_*.sh pass the same values.
MAVEN_ZONE = "UTC"
MAVEN_STAGE = {"Prospecting": "Prospecting", "Engaging": "Qualification", "Won": "Won", "Lost": "Lost"}
MAVEN_PROSPECTING_CREATED = "2017-12-31"  # --set created=...: the last date in the file
MAVEN_PRODUCT_ALIAS = {"GTXPro": "GTX Pro"}  # the pipeline's spelling -> products.csv
NORTHWIND_ZONE = "UTC"
SUPERSTORE_ZONE = "UTC"
OLIST_ZONE = "America/Sao_Paulo"


def rows(path):
    """The rows of a CSV file as dicts; utf-8-sig drops a byte-order mark."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def cents(text):
    return int((Decimal(text) * 100).quantize(Decimal(1), ROUND_HALF_UP))


def money(text):
    """Decimal text rounded half away from zero to the cent, as a Decimal."""
    return Decimal(text).quantize(CENT, ROUND_HALF_UP)


def epoch(text, zone):
    """Unix seconds of "YYYY-MM-DD[ HH:MM:SS]" or "M/D/YYYY" local time in zone."""
    text = text.strip()
    if "/" in text:
        m, d, y = (int(x) for x in text.split("/"))
        dt = datetime(y, m, d)
    elif " " in text:
        dt = datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    else:
        dt = datetime.strptime(text, "%Y-%m-%d")
    tzinfo = timezone.utc if zone == "UTC" else ZoneInfo(zone)  # zoneinfo needs Debian's tzdata
    return int(dt.replace(tzinfo=tzinfo, fold=0).timestamp())


class Out:
    """Collects key/value lines; groups print sorted by their argument. With
    annotate, each check is preceded by a "# " line saying how it was computed."""

    def __init__(self, annotate):
        self.lines = []
        self.annotate = annotate

    def put(self, key, value, how=None):
        if how and self.annotate:
            self.lines.append(f"# {how}")
        self.lines.append(f"{key}\t{value}")

    def group(self, name, mapping, how=None):
        if how and self.annotate:
            self.lines.append(f"# {how}")
        for arg in sorted(mapping):
            self.put(f"{name}[{arg if arg != '' else '(none)'}]", mapping[arg])

    def print(self):
        sys.stdout.write("".join(line + "\n" for line in self.lines))


def maven(d, out):
    d = os.path.join(d, "maven-crm")
    accounts = rows(os.path.join(d, "accounts.csv"))
    products = rows(os.path.join(d, "products.csv"))
    teams = rows(os.path.join(d, "sales_teams.csv"))
    deals = rows(os.path.join(d, "sales_pipeline.csv"))

    out.put("accounts.count", len(accounts), "rows of accounts.csv")
    parents = {a["account"]: a["subsidiary_of"] for a in accounts if a["subsidiary_of"]}
    out.put("accounts.with_parent", len(parents), "accounts.csv rows with a subsidiary_of")
    out.group("account.parent", parents, "account -> its subsidiary_of, per accounts.csv row")
    out.group("account.industry", Counter(a["sector"] for a in accounts),
              "accounts per sector as written (the 'technolgy' misspelling is kept)")

    out.put("products.count", len(products), "rows of products.csv; the pipeline's GTXPro is GTX Pro")
    out.group("product.price", {p["product"]: cents(p["sales_price"]) for p in products},
              "sales_price of products.csv in cents")
    out.group("product.category", {p["product"]: p["series"] for p in products}, "series of products.csv")
    # Each deal names one product; its deal_products row links it to products.csv's.
    out.group("product.deals", Counter(MAVEN_PRODUCT_ALIAS.get(x["product"], x["product"]) for x in deals),
              "sales_pipeline.csv rows per product, GTXPro counted as GTX Pro")

    agents = {t["sales_agent"] for t in teams}
    managers = {t["manager"] for t in teams}
    out.put("users.count", len(agents | managers), "distinct sales_agent and manager names of sales_teams.csv")
    out.put("users.with_deals", len({x["sales_agent"] for x in deals}),
            "distinct sales_agent of sales_pipeline.csv")
    out.group("user.manager", {t["sales_agent"]: t["manager"] for t in teams}, "sales_teams.csv agent -> manager")
    # Managers get the office of their agents (each manages one office) and role manager
    # from the second users import (docs/import.md).
    region = {t["sales_agent"]: t["regional_office"] for t in teams}
    region.update({t["manager"]: t["regional_office"] for t in teams})
    out.group("user.region", region, "sales_teams.csv agent -> regional_office, and manager -> the same office")
    out.group("user.role", Counter("manager" if u in managers else "rep" for u in agents | managers),
              "users per role: the names in the manager column are managers, the agents reps")
    out.put("regions.count", len({t["regional_office"] for t in teams}), "distinct regional_office")

    out.put("deals.count", len(deals), "rows of sales_pipeline.csv")
    status = {"Won": "won", "Lost": "lost"}
    by = defaultdict(list)
    for x in deals:
        by[status.get(x["deal_stage"], "open")].append(x)
    out.put("deals.won.count", len(by["won"]), "deal_stage Won")
    out.put("deals.won.amount", sum(cents(x["close_value"]) for x in by["won"]),
            "sum of close_value of Won rows, in cents")
    out.put("deals.lost.count", len(by["lost"]), "deal_stage Lost")
    out.put("deals.lost.amount", sum(cents(x["close_value"]) for x in by["lost"]),
            "sum of close_value of Lost rows (all are 0, not blank)")
    out.put("deals.open.count", len(by["open"]), "deal_stage Engaging or Prospecting")
    out.put("deals.open.amount_null", sum(1 for x in by["open"] if x["close_value"] == ""),
            "open rows with a blank close_value: stored as no amount, not 0")
    out.put("deals.no_account", sum(1 for x in deals if x["account"] == ""), "rows with a blank account")
    out.group("deals.stage", Counter(MAVEN_STAGE[x["deal_stage"]] for x in deals),
              "rows per stage, Engaging mapped to " + MAVEN_STAGE["Engaging"])
    out.put("deals.created.sum", sum(epoch(x["engage_date"] or MAVEN_PROSPECTING_CREATED, MAVEN_ZONE)
                                     for x in deals),
            "sum of engage_date as Unix seconds (UTC midnight); blank ones count as "
            + MAVEN_PROSPECTING_CREATED)
    out.put("deals.created_default", sum(1 for x in deals if x["engage_date"] in ("", MAVEN_PROSPECTING_CREATED)),
            "deals created at midnight of " + MAVEN_PROSPECTING_CREATED + ": the rows without engage_date"
            " (and any engaged that day)")
    out.put("deals.closed.sum", sum(epoch(x["close_date"], MAVEN_ZONE) for x in deals if x["close_date"]),
            "sum of close_date as Unix seconds (UTC midnight), blank ones left out")
    # An imported deal gets the history its dates imply: a "created" row, plus a
    # closing row when it is closed (records.h).
    out.put("deal_history.count", len(deals) + len(by["won"]) + len(by["lost"]),
            "one history row per deal for its creation, one more per Won or Lost deal")
    out.group("agent.won.count", Counter(x["sales_agent"] for x in by["won"]), "Won rows per sales_agent")
    won_sum = defaultdict(int)
    for x in by["won"]:
        won_sum[x["sales_agent"]] += cents(x["close_value"])
    out.group("agent.won.amount", won_sum, "sum of close_value of Won rows per sales_agent, in cents")
    out.group("agent.lost.count", Counter(x["sales_agent"] for x in by["lost"]), "Lost rows per sales_agent")
    out.group("agent.open.count", Counter(x["sales_agent"] for x in by["open"]),
              "Engaging and Prospecting rows per sales_agent")


def northwind_lines(path):
    """Net amount (cents) and fields of each order line, per METRICS.md."""
    result = []
    for r in rows(path):
        price = money(r["unit_price"])
        disc = Decimal(r["discount"]).quantize(BP, ROUND_HALF_UP)
        net = (int(r["quantity"]) * price * (1 - disc)).quantize(CENT, ROUND_HALF_UP)
        result.append({"order": r["order_id"], "product": r["product_id"], "qty": int(r["quantity"]),
                       "price": int(price * 100), "disc_bp": int(disc * 10000), "net": int(net * 100)})
    return result


def northwind(d, out, details="order_details_exact.csv"):
    d = os.path.join(d, "northwind")
    employees = rows(os.path.join(d, "employees.csv"))
    customers = rows(os.path.join(d, "customers.csv"))
    products = rows(os.path.join(d, "products.csv"))
    categories = {c["category_id"]: c["category_name"] for c in rows(os.path.join(d, "categories.csv"))}
    orders = rows(os.path.join(d, "orders.csv"))
    lines = northwind_lines(os.path.join(d, details))
    net = "round_half_away(quantity x round(unit_price, 2) x (1 - round(discount, 4)), 2) with Decimal"

    name = {e["employee_id"]: e["first_name"] + " " + e["last_name"] for e in employees}
    out.put("users.count", len(employees), "rows of employees.csv")
    out.group("user.manager", {name[e["employee_id"]]: name[e["reports_to"]] for e in employees
                               if e["reports_to"]}, "employee -> the employee its reports_to names")
    out.group("user.title", {name[e["employee_id"]]: e["title"] for e in employees},
              "first_name + ' ' + last_name -> title")
    out.put("accounts.count", len(customers), "rows of customers.csv")
    out.group("account.country", Counter(c["country"] for c in customers), "customers per country")
    out.put("products.count", len(products), "rows of products.csv")
    out.group("products.category", Counter(categories[p["category_id"]] for p in products),
              "products per category name (category_id looked up in categories.csv)")
    out.put("products.price.sum", sum(cents(p["unit_price"]) for p in products),
            "sum of products.csv unit_price rounded to cents")
    out.put("orders.count", len(orders), "rows of orders.csv")
    out.put("orders.unshipped", sum(1 for o in orders if o["shipped_date"] == ""), "orders with a blank shipped_date")
    out.put("orders.date.sum", sum(epoch(o["order_date"], NORTHWIND_ZONE) for o in orders),
            "sum of order_date as Unix seconds (UTC midnight)")
    out.group("orders.employee", Counter(name[o["employee_id"]] for o in orders), "orders per employee_id")
    out.put("order_lines.count", len(lines), "rows of " + details)
    out.put("order_lines.quantity.sum", sum(x["qty"] for x in lines), "sum of quantity")
    out.put("order_lines.unit_price.sum", sum(x["price"] for x in lines),
            "sum of unit_price rounded half away to cents (9.80000019 -> 980)")
    out.put("order_lines.discount_bp.sum", sum(x["disc_bp"] for x in lines),
            "sum of discount in basis points, rounded to 0.01 % (0.0500000007 -> 500)")
    out.put("revenue.total", sum(x["net"] for x in lines), "sum over lines of " + net + ", in cents")
    owner = {o["order_id"]: name[o["employee_id"]] for o in orders}
    per_rep = defaultdict(int)
    for x in lines:
        per_rep[owner[x["order"]]] += x["net"]
    out.group("revenue.employee", per_rep, "the same sum per employee of the line's order")
    cat = {p["product_id"]: categories[p["category_id"]] for p in products}
    per_cat = defaultdict(int)
    for x in lines:
        per_cat[cat[x["product"]]] += x["net"]
    out.group("revenue.category", per_cat, "the same sum per category of the line's product")


def superstore(d, out):
    lines = rows(os.path.join(d, "superstore", "superstore.csv"))
    out.put("order_lines.count", len(lines), "rows of superstore.csv")
    out.put("order_lines.id.sum", sum(int(x["Row ID"]) for x in lines),
            "sum of Row ID (the first column, behind the byte-order mark), kept as the line's id")
    orders = {}
    for x in lines:
        orders[x["Order ID"]] = x  # every line of an order has the same order fields
    out.put("orders.count", len(orders), "distinct Order ID")
    out.put("accounts.count", len({x["Customer ID"] for x in lines}), "distinct Customer ID")
    seg = {x["Customer ID"]: x["Segment"] for x in lines}
    out.group("accounts.segment", Counter(seg.values()), "customers per Segment (one Segment per customer)")
    out.put("products.count", len({x["Product ID"] for x in lines}), "distinct Product ID")
    out.put("regions.count", len({x["Region"] for x in lines}), "distinct Region")
    out.group("orders.region", Counter(o["Region"] for o in orders.values()), "orders per Region")
    out.group("orders.year", Counter(o["Order Date"].split("/")[2] for o in orders.values()),
              "orders per year of Order Date (m/d/Y)")
    out.put("orders.date.sum", sum(epoch(o["Order Date"], SUPERSTORE_ZONE) for o in orders.values()),
            "sum over orders of Order Date read as m/d/Y, Unix seconds of UTC midnight")
    out.put("orders.shipped.sum", sum(epoch(o["Ship Date"], SUPERSTORE_ZONE) for o in orders.values()),
            "the same for Ship Date")
    out.put("order_lines.quantity.sum", sum(int(x["Quantity"]) for x in lines), "sum of Quantity")
    out.put("order_lines.discount_bp.sum",
            sum(int(Decimal(x["Discount"]).quantize(BP, ROUND_HALF_UP) * 10000) for x in lines),
            "sum of Discount in basis points (0.2 -> 2000)")
    out.put("sales.total", sum(cents(x["Sales"]) for x in lines),
            "sum of Sales, each line rounded half away from zero to cents")
    out.put("profit.total", sum(cents(x["Profit"]) for x in lines),
            "sum of Profit, each line rounded half away from zero to cents")
    for name, col in (("segment", "Segment"), ("region", "Region"), ("category", "Category")):
        s, p = defaultdict(int), defaultdict(int)
        for x in lines:
            s[x[col]] += cents(x["Sales"])
            p[x[col]] += cents(x["Profit"])
        out.group(f"sales.{name}", s, f"the same sum of Sales per {col}")
        out.group(f"profit.{name}", p, f"the same sum of Profit per {col}")


def olist(d, out):
    d = os.path.join(d, "olist-funnel")
    leads = rows(os.path.join(d, "olist_marketing_qualified_leads_dataset.csv"))
    deals = rows(os.path.join(d, "olist_closed_deals_dataset.csv"))
    out.put("leads.count", len(leads), "rows of the leads file")
    out.group("leads.source", Counter(x["origin"] for x in leads), "leads per origin ((none): blank)")
    out.put("leads.created.sum", sum(epoch(x["first_contact_date"], OLIST_ZONE) for x in leads),
            "sum of first_contact_date as Unix seconds of midnight in " + OLIST_ZONE)
    out.put("leads.converted", len({x["mql_id"] for x in deals}), "distinct mql_id of the closed deals")
    out.put("leads.converted_at.sum", sum(epoch(x["won_date"], OLIST_ZONE) for x in deals),
            "sum of won_date as Unix seconds, local time in " + OLIST_ZONE)
    out.put("deals.count", len(deals), "rows of the closed deals file")
    out.put("deals.won.count", len(deals), "every closed deal is won")
    out.put("deals.with_lead", sum(1 for x in deals if x["mql_id"]), "closed deals with an mql_id")
    out.put("deals.closed.sum", sum(epoch(x["won_date"], OLIST_ZONE) for x in deals),
            "sum of won_date as Unix seconds, local time in " + OLIST_ZONE)
    origin = {x["mql_id"]: x["origin"] for x in leads}
    out.group("conversion.source", Counter(origin[x["mql_id"]] for x in deals),
              "closed deals per origin of their lead (joined on mql_id)")
    out.put("accounts.count", len({x["seller_id"] for x in deals}), "distinct seller_id")
    out.group("accounts.segment", Counter(x["business_segment"] for x in deals), "sellers per business_segment")
    out.put("users.count", len({x["sr_id"] for x in deals} | {x["sdr_id"] for x in deals}),
            "distinct ids in sr_id and sdr_id (13 ids appear in both)")
    out.put("users.with_deals", len({x["sr_id"] for x in deals}), "distinct sr_id")


DATASETS = {"maven": maven, "northwind": northwind, "superstore": superstore, "olist": olist,
            # Northwind's float file must give the same figures (prices rounded on entry).
            "northwind-float": lambda d, out: northwind(d, out, "order_details.csv")}


def main(argv):
    if len(argv) < 2 or argv[1] not in DATASETS:
        sys.stderr.write("usage: expected.py maven|northwind|northwind-float|superstore|olist [DATASETS_DIR [--annotate]]\n")
        return 2
    d = argv[2] if len(argv) > 2 and argv[2] else os.environ.get("DATASETS", "")
    if not os.path.isdir(d):
        sys.stderr.write(f"expected.py: datasets directory '{d}' not found; set DATASETS\n")
        return 1
    out = Out("--annotate" in argv[3:])
    if out.annotate:
        out.lines.append(f"# Expected figures of the {argv[1]} dataset, generated from the raw CSV files by")
        out.lines.append(f"# `tests/datasets/expected.py {argv[1]} \"$DATASETS\" --annotate` (no Embudo code involved);")
        out.lines.append("# the datasets tests re-derive this file and compare it. Do not edit by hand.")
    DATASETS[argv[1]](d, out)
    out.print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
