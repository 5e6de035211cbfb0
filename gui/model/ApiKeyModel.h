#pragma once

#include "JsonTableModel.h"

namespace keel::gui {

// API keys (`GET /api/v1/apikey`, apikey.* events): prefixes only, never the secret.
class ApiKeyModel : public JsonTableModel
{
    Q_OBJECT

public:
    explicit ApiKeyModel(QObject* parent = nullptr);
};

} // namespace keel::gui
