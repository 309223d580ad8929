#pragma once
#include <QStringList>
#include <QWidget>

#include <vector>

namespace studio::ui {

/// One horizontal bar per class with its probability; the predicted class highlighted.
class ProbabilityBars : public QWidget {
    Q_OBJECT
public:
    explicit ProbabilityBars(QWidget* parent = nullptr);
    void setProbabilities(const std::vector<float>& probabilities);
    /// Row labels (default: the class numbers).
    void setClassNames(const QStringList& names);
    QStringList classNames() const { return m_classNames; }
    const std::vector<float>& probabilities() const { return m_probabilities; }
    QSize sizeHint() const override { return {320, 260}; }

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    std::vector<float> m_probabilities;
    QStringList m_classNames;
};

} // namespace studio::ui
