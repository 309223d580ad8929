#include "PlaceholderPage.h"

#include <QLabel>
#include <QVBoxLayout>

namespace studio::ui {

PlaceholderPage::PlaceholderPage(const QString& title, const QString& description, const QString& meanwhile,
                                 QWidget* parent)
    : QWidget(parent)
{
    auto* heading = new QLabel(title, this);
    QFont big = heading->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    big.setBold(true);
    heading->setFont(big);
    auto* text = new QLabel(description, this);
    text->setWordWrap(true);
    auto* cli = new QLabel(meanwhile, this);
    cli->setWordWrap(true);
    cli->setTextInteractionFlags(Qt::TextSelectableByMouse);
    cli->setStyleSheet("QLabel { color: palette(placeholder-text); }");

    auto* layout = new QVBoxLayout(this);
    layout->addStretch(1);
    for (auto* label : {heading, text, cli}) {
        label->setAlignment(Qt::AlignHCenter);
        label->setMaximumWidth(640);
        layout->addWidget(label, 0, Qt::AlignHCenter);
    }
    layout->addStretch(2);
}

} // namespace studio::ui
