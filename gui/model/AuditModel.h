#pragma once

#include "JsonTableModel.h"

namespace keel::gui {

// The audit log (`GET /api/v1/audit`, audit.entry events): who did what, newest last.
class AuditModel : public JsonTableModel
{
    Q_OBJECT

public:
    explicit AuditModel(QObject* parent = nullptr);
};

} // namespace keel::gui
