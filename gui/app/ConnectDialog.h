#pragma once

#include "ConnectionChoice.h"

#include <QDialog>

class QCheckBox;
class QLineEdit;
class QRadioButton;

namespace keel::gui {

// Asks where the server is: on this computer (Keel Manager runs it), a `keel` daemon on this
// machine (its unix socket: the NAS case), or a remote server (URL and API key).
class ConnectDialog : public QDialog
{
    Q_OBJECT

public:
    explicit ConnectDialog(const ConnectionChoice& current, QWidget* parent = nullptr);

    ConnectionChoice choice() const;
    QString apiKey() const;

private:
    void updateState();
    void accept() override;

    QRadioButton* m_thisComputer;
    QRadioButton* m_daemon;
    QRadioButton* m_remote;
    QLineEdit* m_socket;
    QLineEdit* m_url;
    QLineEdit* m_key;
    QCheckBox* m_insecure;
};

} // namespace keel::gui
