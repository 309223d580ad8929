#pragma once
#include <QString>

class QWidget;

namespace studio::ui {

/// Renders a widget as it is drawn to a .png (2× pixels) or .svg file, atomically (QSaveFile).
/// Returns "" or an error message naming the file.
QString exportWidget(QWidget* widget, const QString& path);

} // namespace studio::ui
