#pragma once

#include <QJsonObject>
#include <QList>

namespace keel::admin {

// The OpenAPI 3 document of /api/v1, served at GET /api/v1/openapi.json (public, as Headscale
// serves its own). Written from a table kept next to the routes; tests/admin/tst_openapi.cpp
// fails when the table and the router's /api/v1 routes differ, so a new route needs a row here.
class OpenApi
{
public:
    struct Operation
    {
        const char* method; // "GET", "POST", ...
        const char* path;   // the router's pattern, "{name}" parameters
        const char* tag;
        const char* summary;
    };
    static const QList<Operation>& operations();
    static QJsonObject document(const QString& version);
};

} // namespace keel::admin
