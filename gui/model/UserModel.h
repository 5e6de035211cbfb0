#pragma once

#include "JsonTableModel.h"

namespace keel::gui {

// The tailnet's users (`GET /api/v1/user`, user.* events).
class UserModel : public JsonTableModel
{
    Q_OBJECT

public:
    explicit UserModel(QObject* parent = nullptr);
    QStringList names() const;
};

} // namespace keel::gui
