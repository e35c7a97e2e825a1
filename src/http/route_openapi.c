/* route_openapi.c - GET /api/v1/openapi.json: the API's description (docs/openapi.json,
 * compiled in), which the integration tests check every answer against. */
#include <string.h>

#include "core/embedded.h"
#include "http/route.h"

void route_openapi(http_request *req, http_reply *out)
{
    (void)req;
    http_reply_text(out, 200, "application/json", embedded_openapi[0].data, embedded_openapi[0].size);
}
