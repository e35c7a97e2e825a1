/*
 * families.c - the table of metric families; see families.h. One entry per family
 * id, with designated initialisers: adding a family is adding an entry here and
 * its functions in its file.
 */
#include "metrics/families.h"

#include <stdlib.h>
#include <string.h>

#include "core/i18n.h"

static kpi_value empty_null(metric_id id)
{
    (void)id;
    return (kpi_value){.kind = KV_NULL};
}

void eng_family_free(eng_family_result *r)
{
    eng_groups_free(&r->groups);
    free(r->won_cycles.v);
    free(r->lost_cycles.v);
    free(r->abc);
    memset(r, 0, sizeof *r);
}

#define FAMILY(id, nm, ev, pr, em, money) \
    [id] = {.name = nm, .eval = ev, .project = pr, .empty = em, .free = eng_family_free, .adds_money = money}
#define ACTIVITY_FAMILY(id, nm)                                                                              \
    [id] = {.name = nm, .pass = eng_eval_activities, .project = reg_project_activities,                        \
            .empty = reg_empty_activities, .free = eng_family_free}

static const eng_family_desc families[FAM__COUNT] = {
    FAMILY(FAM_CLOSED, "closed", eng_eval_closed, reg_project_deals, reg_empty_deals, 1),
    FAMILY(FAM_CREATED, "created", eng_eval_created, reg_project_deals, reg_empty_deals, 1),
    FAMILY(FAM_LINES, "lines", eng_eval_lines, reg_project_lines, reg_empty_lines, 1),
    FAMILY(FAM_OPEN_AT, "open_at", eng_eval_open, reg_project_pipeline, reg_empty_pipeline, 1),
    FAMILY(FAM_WATERFALL, "waterfall", eng_eval_waterfall, reg_project_pipeline, reg_empty_pipeline, 1),
    FAMILY(FAM_FUNNEL, "funnel", eng_eval_funnel, reg_project_funnel, reg_empty_funnel, 0),
    FAMILY(FAM_STAGE_EXITS, "stage_exits", eng_eval_stage_exits, reg_project_funnel, reg_empty_funnel, 0),
    FAMILY(FAM_LEADS, "leads", eng_eval_leads, reg_project_leads, reg_empty_leads, 0),
    ACTIVITY_FAMILY(FAM_ACT_TIME, "activities_by_time"),
    ACTIVITY_FAMILY(FAM_ACT_DONE, "activities_done"),
    ACTIVITY_FAMILY(FAM_ACT_DUE, "tasks_due"),
    ACTIVITY_FAMILY(FAM_ACT_OVERDUE, "tasks_overdue"),
    FAMILY(FAM_TOUCHES, "touches", eng_eval_touches, reg_project_activities, reg_empty_activities, 0),
    FAMILY(FAM_GOALS, "goals", eng_eval_goals, reg_project_goals, empty_null, 1),
    FAMILY(FAM_STALE, "stale", eng_eval_stale, reg_project_hygiene, reg_empty_hygiene, 1),
    FAMILY(FAM_SLIPPED, "slipped", eng_eval_slipped, reg_project_hygiene, reg_empty_hygiene, 1),
    FAMILY(FAM_DERIVED, "derived", NULL, NULL, empty_null, 1),
    FAMILY(FAM_SPEND, "spend", eng_eval_spend, reg_project_spend, reg_empty_spend, 1),
    FAMILY(FAM_NEW_CUSTOMERS, "new_customers", eng_eval_new_customers, reg_project_spend, reg_empty_spend, 0),
    FAMILY(FAM_ACCOUNTS, "accounts", eng_eval_accounts, reg_project_accounts, reg_empty_spend, 0),
    FAMILY(FAM_TOUCH, "touch", eng_eval_touches_by_account, reg_project_touch, empty_null, 0),
};

const eng_family_desc *eng_family_of(eng_family f) { return &families[f]; }

emb_code eng_metric_project(const kpi_metric *m, const eng_family_result *r, size_t group, kpi_value *out,
                            emb_err *err)
{
    const eng_family_desc *d = eng_family_of(m->family);
    if (!d->project)
        return emb_err_set(err, EMB_INTERNAL, _("unknown metric family %d"), (int)m->family);
    return d->project(m->id, r, group, out, err);
}

kpi_value eng_metric_empty(const kpi_metric *m) { return eng_family_of(m->family)->empty(m->id); }
