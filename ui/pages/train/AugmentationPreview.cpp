#include "AugmentationPreview.h"

#include "DigitImage.h"
#include "TorchTasks.h"

#include "data/Augmentation.h"
#include "data/ImageTensor.h"

#include <QFutureWatcher>
#include <QPainter>
#include <QTimer>

namespace studio::ui {
namespace {

constexpr int kRows = 6;
constexpr int kVariants = 5;
constexpr int kCell = 52; // 28 px digits drawn at ~1.9×

QImage toImage(const torch::Tensor& pixels) // 28×28 float in [0,1]
{
    return digitImage(bytesFromTensor((pixels.clamp(0, 1) * 255).round()).data());
}

torch::Tensor toTensor(const QImage& image)
{
    const QImage gray = image.convertToFormat(QImage::Format_Grayscale8);
    const auto pixels =
        tensorFromMat(matFromBytes(gray.constBits(), gray.height(), gray.width(), std::size_t(gray.bytesPerLine())));
    return pixels.to(torch::kFloat32) / 255.0;
}

} // namespace

AugmentationPreview::AugmentationPreview(QWidget* parent) : QWidget(parent), m_debounce(new QTimer(this))
{
    setObjectName("augmentationPreview");
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(120);
    connect(m_debounce, &QTimer::timeout, this, &AugmentationPreview::compute);
    setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
}

QSize AugmentationPreview::sizeHint() const
{
    return {kCell * (kVariants + 1) + 12, kCell * kRows + 4};
}

void AugmentationPreview::setSamples(const QList<QImage>& samples, double mean, double std)
{
    m_samples = samples.mid(0, kRows);
    m_mean = mean;
    m_std = std;
    schedule();
}

void AugmentationPreview::setAugment(const AugmentConfig& augment)
{
    if (augment == m_augment && !m_rows.isEmpty())
        return;
    m_augment = augment;
    schedule();
}

void AugmentationPreview::reshuffle()
{
    ++m_salt;
    schedule();
}

void AugmentationPreview::schedule()
{
    m_debounce->start();
}

void AugmentationPreview::compute()
{
    const int generation = ++m_generation;
    auto* watcher = new QFutureWatcher<QList<QList<QImage>>>(this);
    connect(watcher, &QFutureWatcher<QList<QList<QImage>>>::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_generation)
            return; // a newer request is on its way
        m_rows = watcher->result();
        update();
        Q_EMIT updated();
    });
    watcher->setFuture(
        runTorchTask([samples = m_samples, augment = m_augment, mean = m_mean, std = m_std, salt = m_salt] {
            QList<QList<QImage>> rows;
            for (int i = 0; i < samples.size(); ++i) {
                const auto original = toTensor(samples[i]);
                QList<QImage> row{toImage(original)};
                if (augment.enabled) {
                    auto batch = original.reshape({1, 1, 28, 28}).repeat({kVariants, 1, 1, 1});
                    const std::uint64_t seed = 0x9e3779b9u * (salt + 1) + std::uint64_t(i);
                    batch = augmentGeometry(batch, augment, seed);
                    batch = (batch - mean) / std;
                    randomErase(batch, augment, seed + 7);
                    batch = batch * std + mean;
                    for (int v = 0; v < kVariants; ++v)
                        row.append(toImage(batch[v][0]));
                }
                rows.append(row);
            }
            return rows;
        }));
}

void AugmentationPreview::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::SmoothPixmapTransform);
    const QPalette pal = palette();
    if (m_rows.isEmpty()) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap,
                         tr("Digits appear here once a dataset is loaded."));
        return;
    }
    const int cell = std::min(kCell, (width() - 12) / (kVariants + 1));
    for (int r = 0; r < m_rows.size(); ++r)
        for (int c = 0; c < m_rows[r].size(); ++c) {
            const QRect target(c * cell + (c > 0 ? 12 : 0), r * cell, cell - 3, cell - 3);
            painter.drawImage(target, m_rows[r][c]);
        }
    if (!m_augment.enabled) {
        painter.setPen(pal.color(QPalette::PlaceholderText));
        painter.drawText(QRect(cell + 12, 0, width() - cell - 12, cell * int(m_rows.size())),
                         Qt::AlignCenter | Qt::TextWordWrap,
                         tr("Augmentation is off:\ntraining sees the digits as they are."));
    }
}

} // namespace studio::ui
