#pragma once
#include "EmbeddingService.h"

#include <QWidget>

#include <memory>
#include <optional>

class QLabel;
class QPushButton;

namespace studio::ui {

class EmbeddingView;

/// The Draw page's view of the embedding map last made on the Analyze page: the analysed images
/// and, as a live marker, where the current drawing falls among them (when the drawing is scored
/// by the model the map was made with; otherwise a button loads that model).
class DrawMapPanel : public QWidget {
    Q_OBJECT
public:
    explicit DrawMapPanel(QWidget* parent = nullptr);

    void setMap(const std::shared_ptr<const MapLayout>& layout);
    /// The checkpoint the Draw page scores with.
    void setCheckpoint(const QString& checkpoint);
    /// The drawing's place on the map (nothing: no ink, or another model), labelled `label`.
    void showPlacement(std::optional<QPointF> at, const QString& label);

    EmbeddingView* view() const { return m_view; }
    std::shared_ptr<const MapLayout> layout() const { return m_layout; }
    QString statusText() const;

Q_SIGNALS:
    void useModel(const QString& checkpoint);

private:
    void showStatus();

    std::shared_ptr<const MapLayout> m_layout;
    QString m_checkpoint;
    QLabel* m_status;
    QPushButton* m_useModel;
    EmbeddingView* m_view;
};

} // namespace studio::ui
