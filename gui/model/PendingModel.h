#pragma once

#include "JsonTableModel.h"

namespace keel::gui {

// Interactive registrations waiting for an admin (`GET /api/v1/auth/pending`, registration.* events).
class PendingModel : public JsonTableModel
{
    Q_OBJECT

public:
    explicit PendingModel(QObject* parent = nullptr);
};

} // namespace keel::gui
