#pragma once
#include <QWidget>

namespace studio::ui {

/// A page whose content is still to come: what it will hold, and what the CLI already does.
class PlaceholderPage : public QWidget {
    Q_OBJECT
public:
    PlaceholderPage(const QString& title, const QString& description, const QString& meanwhile,
                    QWidget* parent = nullptr);
};

} // namespace studio::ui
