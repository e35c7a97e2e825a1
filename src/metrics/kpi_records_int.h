/*
 * kpi_records_int.h - what kpi_records.c and kpi_records_more.c share: the growing
 * list of records and the record sets of kpi_records_more.c. Internal to
 * src/metrics.
 *
 * Ownership: a list's array lives in the arena given to kr_push; the snapshot is
 * only read.
 */
#ifndef EMB_KPI_RECORDS_INT_H
#define EMB_KPI_RECORDS_INT_H

#include "metrics/kpi_records.h"

typedef struct {
    kpi_record *v;
    size_t n, cap;
} record_list;

/* Appends a copy of r (the array grows in a). EMB_NOMEM. */
emb_code kr_push(record_list *l, arena *a, const kpi_record *r, emb_err *err);

/* pipeline_waterfall: one record per deal and part it adds to (amount: its share,
 * role: that part's bit), in deal then part order. */
emb_code kr_waterfall(const snapshot *s, const kpi_query *q, arena *a, record_list *l, emb_err *err);
/* new_customers (KR_ACCOUNT): the accounts whose first won deal closes in the
 * period, sub the deal. */
emb_code kr_new_customers(const snapshot *s, const kpi_query *q, arena *a, record_list *l, emb_err *err);
/* accounts_per_rep (KR_ACCOUNT): every account, by its owner, role accounts and,
 * when active at the instant, active; sub its first won deal or -1. */
emb_code kr_accounts(const snapshot *s, const kpi_query *q, arena *a, record_list *l, emb_err *err);
/* last_touch (KR_ACTIVITY): per account, its last completed activity at the
 * instant (role days_since_last) and its next scheduled one (days_to_next). */
emb_code kr_last_touch(const snapshot *s, const kpi_query *q, arena *a, record_list *l, emb_err *err);
/* activities_per_deal_won (KR_DEAL_ACTS): each deal won in the period (sub -1, role
 * denominator) and each completed activity on it (sub the activity, numerator). */
emb_code kr_touches(const snapshot *s, const kpi_query *q, arena *a, record_list *l, emb_err *err);

#endif
