/*
 * route_import.c - POST /api/v1/import/{kind}: a CSV file in the body, imported by
 * the importer of `embudo import` (io/import.h) with its options as query
 * parameters (io/import_params.h), in one transaction, recorded in the import log
 * and the audit log with the request's user as author.
 *
 * Answers: 200 with the summary of `embudo import --format json`; 422 with the
 * importer's errors in parts (row, field, column, value, message) when the file is
 * refused, nothing written; 400 naming a parameter that does not read (or a
 * mapping that does not fit the file, as the CLI's usage errors); 403 for a role
 * other than admin (the importer writes rows, and creates the records they refer
 * to, without asking access.h about each); 415 for a body that is not a CSV file.
 */
#include <jansson.h>
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "core/i18n.h"
#include "http/records_int.h"
#include "io/import.h"
#include "io/import_params.h"

enum { LOG_OPTIONS_MAX = 64 };

typedef struct {
    records_req *rq;
    import_params *ip;
    const char *file;          /* the file= parameter */
    const char *log[LOG_OPTIONS_MAX]; /* "key=value" of each parameter, for the import log */
    size_t nlog;
    const char *bad_key, *bad_msg; /* the first parameter refused, and why */
} import_args;

static enum MHD_Result one_param(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    import_args *ia = cls;
    records_req *rq = ia->rq;
    if (!value)
        value = "";
    if (ia->nlog == LOG_OPTIONS_MAX) {
        ia->bad_key = key;
        ia->bad_msg = arena_printf(&rq->a, _("more than %d parameters"), LOG_OPTIONS_MAX);
        return MHD_NO;
    }
    ia->log[ia->nlog++] = arena_printf(&rq->a, "%s=%s", key, value);
    if (!strcmp(key, "file")) {
        ia->file = value;
        return MHD_YES;
    }
    emb_err err;
    emb_err_clear(&err);
    if (import_params_set(ia->ip, key, value, &err)) {
        int unknown = ia->ip->bad_key && !*ia->ip->bad_key;
        ia->bad_key = unknown || !ia->ip->bad_key ? key : ia->ip->bad_key;
        ia->bad_msg = unknown ? arena_printf(&rq->a, _("unknown parameter '%s'; accepted: %s, file"), key,
                                             import_params_keys(ia->ip))
                              : arena_strdup(&rq->a, err.msg);
        return MHD_NO;
    }
    return MHD_YES;
}

/* 1 when the body may be a CSV file: no Content-Type, or a text or CSV one, and
 * not the bytes of a workbook; else 0 with a 415 given. */
static int is_csv(http_request *req, http_reply *out)
{
    const char *type = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    static const char *const ok[] = {"text/csv", "text/plain", "application/csv", "text/tab-separated-values",
                                     "application/octet-stream", "text/x-csv", "application/vnd.ms-excel"};
    int fits = !type;
    for (size_t i = 0; !fits && i < sizeof ok / sizeof *ok; i++) {
        size_t n = strlen(ok[i]);
        fits = !strncasecmp(type, ok[i], n) && (type[n] == '\0' || type[n] == ';' || type[n] == ' ');
    }
    /* A zip (an .xlsx or .ods workbook) or an old binary .xls. */
    int workbook = (req->body_len >= 4 && !memcmp(req->body, "PK\x03\x04", 4)) ||
                   (req->body_len >= 8 && !memcmp(req->body, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8));
    if (fits && !workbook)
        return 1;
    http_reply_problem(out, 415, _("the body must be a CSV file"),
                       workbook ? _("this is a workbook: save the sheet as CSV (UTF-8) and send that file")
                                : _("send the file with Content-Type: text/csv"));
    return 0;
}

/* The 422 of a refused file: the problem, with the importer's errors in parts. */
static void reply_refused(http_reply *out, const import_summary *sum, const emb_err *err)
{
    json_t *o = json_pack("{s:s, s:s, s:i, s:s, s:o, s:I, s:I}", "type", "about:blank", "title",
                          _("the file cannot be imported"), "status", 422, "detail", err->msg, "errors",
                          import_error_items_json(sum, err), "errors_total", (json_int_t)sum->errors_total,
                          "errors_hidden", (json_int_t)sum->errors_hidden);
    http_reply_json(out, 422, o);
    if (out->status == 422)
        out->content_type = "application/problem+json";
}

void route_import(http_request *req, http_reply *out)
{
    records_req rq;
    const kind_def *kind = kind_find(req->param[0]);
    if (records_open(&rq, req, out, kind, ACCESS_CREATE)) {
        records_close(&rq);
        return;
    }
    if (rq.scope.role != ROLE_ADMIN) {
        char detail[160];
        snprintf(detail, sizeof detail, _("a %s cannot import files; an admin can"), access_role_name(rq.scope.role));
        http_reply_problem(out, 403, _("forbidden"), detail);
        records_close(&rq);
        return;
    }
    import_opts o = {.kind = kind, .now = (int64_t)time(NULL), .author_id = req->user_id};
    import_params ip;
    import_params_init(&ip, &o, &rq.a, 0);
    import_args ia = {.rq = &rq, .ip = &ip};
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, one_param, &ia);
    import_summary sum;
    import_job *job = NULL;
    int opened = 0;
    if (ia.bad_key) {
        const char *f = ia.bad_key, *m = ia.bad_msg ? ia.bad_msg : _("out of memory");
        http_reply_field_errors(out, _("invalid request"), &f, &m, 1);
        goto done;
    }
    if (!is_csv(req, out))
        goto done;
    if (!req->body_len) {
        http_reply_problem(out, 400, _("the body is empty"), _("send the CSV file as the request's body"));
        goto done;
    }
    o.path = ia.file && *ia.file ? ia.file : arena_printf(&rq.a, "%s.csv", kind->name);
    o.data = req->body;
    o.data_len = req->body_len;
    o.log_options = ia.log;
    o.nlog_options = ia.nlog;
    emb_err err;
    emb_err_clear(&err);
    opened = 1;
    emb_code rc = import_open(&o, &sum, &job, &err);
    if (!rc)
        rc = import_run(job, rq.st, &err);
    if (!rc) {
        http_reply_json(out, 200, import_summary_json(&o, &sum));
    } else if (rc == EMB_INVALID) {
        reply_refused(out, &sum, &err);
    } else if (rc == EMB_USAGE) { /* a mapping that does not fit the file */
        const char *f = "query", *m = err.msg;
        http_reply_field_errors(out, _("invalid request"), &f, &m, 1);
    } else {
        rq.err = err;
        records_reply_error(&rq, NULL);
    }
done:
    if (opened) {
        import_close(job);
        import_summary_release(&sum);
    }
    import_params_release(&ip);
    records_close(&rq);
}
