#pragma once
#include "runs/Ablation.h"

#include <QWidget>

namespace studio::ui {

/// A study's result as grouped bars: best validation and test accuracy per variant, the value
/// axis zoomed to where the variants differ, each bar labelled with its figure.
class AblationChart : public QWidget {
    Q_OBJECT
public:
    explicit AblationChart(QWidget* parent = nullptr);
    void setRows(const QString& title, const std::vector<AblationRow>& rows);
    QSize sizeHint() const override { return {640, 380}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QString m_title;
    std::vector<AblationRow> m_rows;
};

} // namespace studio::ui
