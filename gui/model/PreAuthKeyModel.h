#pragma once

#include "JsonTableModel.h"

namespace keel::gui {

// Pre-auth keys (`GET /api/v1/preauthkey`, preauthkey.* events); the secret is never in here.
class PreAuthKeyModel : public JsonTableModel
{
    Q_OBJECT

public:
    explicit PreAuthKeyModel(QObject* parent = nullptr);
};

} // namespace keel::gui
