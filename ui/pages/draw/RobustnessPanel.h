#pragma once
#include "inference/Robustness.h"
#include "inference/WorstCase.h"

#include <QStringList>
#include <QWidget>

class QLabel;
class QPushButton;

namespace studio::ui {

class RobustnessView;

/// The Draw page's robustness tab: the sweep plots of the drawing on the canvas, and "Worst case":
/// the smallest combined change found that flips the model's answer, shown as an image with the
/// change in words.
class RobustnessPanel : public QWidget {
    Q_OBJECT
public:
    explicit RobustnessPanel(QWidget* parent = nullptr);

    void setClassNames(const QStringList& names) { m_classNames = names; }
    void showSweep(const RobustnessSweep& sweep, const QImage& input28);
    void showWorstCase(const WorstCase& result);
    /// The drawing changed or was cleared: the worst case shown is no longer about it.
    void drawingChanged(bool empty);

    RobustnessView* view() const { return m_view; }
    QString worstCaseText() const;

Q_SIGNALS:
    void worstCaseWanted();

private:
    RobustnessView* m_view;
    QPushButton* m_worstButton;
    QLabel* m_legend;
    QLabel* m_worstImage;
    QLabel* m_worstText;
    QStringList m_classNames;
};

} // namespace studio::ui
