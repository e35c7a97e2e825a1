/*
 * families.h - the table of metric families (src/metrics/ only): for each family id
 * its name, how it is evaluated, how each of its metrics is projected from its
 * result, the value of a group it did not see, and how its result is freed.
 * kpi_run (engine.c) and the reference checks (reference.c) read it; the families
 * (m_*.c) lie below it and never call one another through it.
 *
 * Ownership: the table is static and read-only.
 */
#ifndef EMB_FAMILIES_H
#define EMB_FAMILIES_H

#include "metrics/family.h"
#include "metrics/registry.h"

/* Evaluates one family into out (family.h). */
typedef emb_code (*eng_eval_fn)(const snapshot *s, const kpi_query *q, eng_family_result *out, emb_err *err);
/* Evaluates, in one scan, every family f of a shared pass with used[f] into fams[f]. */
typedef emb_code (*eng_pass_fn)(const snapshot *s, const kpi_query *q, const int *used, eng_family_result *fams,
                                emb_err *err);

typedef struct {
    const char *name;       /* "closed", "open_at", ... for messages */
    eng_eval_fn eval;       /* the family alone; NULL when a pass evaluates it, and for derived
                               metrics, which the engine computes from their components */
    eng_pass_fn pass;       /* the pass shared with other families (the activities'), or NULL */
    reg_project_fn project; /* a metric's value for a group of the result */
    reg_empty_fn empty;     /* a metric's value for a group the family did not see */
    void (*free)(eng_family_result *r);
    int adds_money;         /* adds up money or quantities: exact only when the snapshot's
                               sums are (snapshot.h), so kpi_run refuses it otherwise */
} eng_family_desc;

/* The descriptor of family f (0 <= f < FAM__COUNT). */
const eng_family_desc *eng_family_of(eng_family f);

/* The value of metric m for group of r, the result of m's family. */
emb_code eng_metric_project(const kpi_metric *m, const eng_family_result *r, size_t group, kpi_value *out,
                            emb_err *err);
/* The value of metric m for a group its family did not see. */
kpi_value eng_metric_empty(const kpi_metric *m);

#endif
