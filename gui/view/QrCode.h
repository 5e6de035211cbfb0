#pragma once

#include <QImage>
#include <QString>

namespace keel::gui {

// A QR code of `text` (libqrencode, error correction M) as a black-on-white image with a quiet
// zone, `scale` pixels per module. A null image when the text is too long to encode.
QImage qrCodeImage(const QString& text, int scale = 4);

} // namespace keel::gui
