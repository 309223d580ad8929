#pragma once
#include "EmbeddingService.h"

#include <QWidget>

#include <memory>

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QListView;
class QProgressBar;
class QPushButton;
class QSpinBox;

namespace studio::ui {

struct Analysis;
class EmbeddingView;
class GalleryModel;

/// Shows the images of `layout` on `view`, with their classes, predictions and pictures (the
/// Analyze page's map and the Draw page's).
void showLayout(EmbeddingView& view, const std::shared_ptr<const MapLayout>& layout);

/// The Analyze page's embedding map: the analysed images placed by their penultimate features
/// (PCA or t-SNE with its perplexity and iterations; progress and cancel), coloured by true
/// class, prediction, correctness or confidence; a lasso or click selects images and the gallery
/// beside the map shows exactly the selection.
class EmbeddingPanel : public QWidget {
    Q_OBJECT
public:
    explicit EmbeddingPanel(QWidget* parent = nullptr);

    /// The analysis to map (its map is made when the panel is on show).
    void setAnalysis(const std::shared_ptr<const Analysis>& analysis);
    /// Maps the analysis with the settings shown.
    void compute();
    void setRequest(const MapRequest& request);

    EmbeddingView* view() const { return m_view; }
    GalleryModel* selectionGallery() const { return m_gallery; }
    EmbeddingService* service() const { return m_service; }
    QString statusText() const;

Q_SIGNALS:
    /// A map is on show (the Draw page places drawings on it).
    void mapShown(const std::shared_ptr<const studio::ui::MapLayout>& layout);

protected:
    void showEvent(QShowEvent* event) override;

private:
    MapRequest request() const;
    void showMap(const std::shared_ptr<const MapLayout>& layout);
    void showSelection(const std::vector<int>& indices);
    void setBusy(bool busy);

    EmbeddingService* m_service;
    std::shared_ptr<const Analysis> m_analysis;
    QComboBox* m_method;
    QDoubleSpinBox* m_perplexity;
    QSpinBox* m_iterations;
    QPushButton* m_compute;
    QPushButton* m_cancel;
    QProgressBar* m_progress;
    QComboBox* m_colouring;
    QLabel* m_status;
    EmbeddingView* m_view;
    GalleryModel* m_gallery;
    QListView* m_galleryView;
    QLabel* m_selectionText;
};

} // namespace studio::ui
