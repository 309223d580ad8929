#include "inference/Predictor.h"

#include "data/ImageTensor.h"
#include "data/ModelInput.h"
#include "inference/CanvasPreprocessor.h"
#include "util/StudioError.h"

#include <cmath>

#include <torch/csrc/autograd/grad_mode.h>

namespace studio {

Predictor::Predictor(const QString& checkpointPath) : m_loaded(loadModelFromCheckpoint(checkpointPath)) {}

std::vector<float> Predictor::probabilities(const cv::Mat& image28) const
{
    torch::NoGradGuard noGrad;
    const auto pixels = tensorFromMat(image28).unsqueeze(0);
    const auto logits = m_loaded.model->forward(toModelInput(pixels, m_loaded.meta.data.mean, m_loaded.meta.data.std));
    const auto p = torch::softmax(logits / m_temperature, 1).contiguous();
    return {p.data_ptr<float>(), p.data_ptr<float>() + p.numel()};
}

void Predictor::setTemperature(double temperature)
{
    if (!(temperature > 0) || !std::isfinite(temperature))
        throw StudioError("The temperature must be a positive number, not " + std::to_string(temperature) + ".");
    m_temperature = temperature;
}

Explanation Predictor::explain(const cv::Mat& image28, int targetClass)
{
    return studio::explain(*m_loaded.model, tensorFromMat(image28), m_loaded.meta.data.mean, m_loaded.meta.data.std,
                           targetClass);
}

Predictor::Result Predictor::predict(const cv::Mat& gray) const
{
    const auto pre = CanvasPreprocessor::process(gray);
    Result r;
    r.input28 = pre.image;
    r.empty = pre.empty;
    r.toInput = pre.toInput;
    if (pre.empty)
        return r;
    r.probabilities = probabilities(pre.image);
    r.predicted =
        static_cast<int>(std::max_element(r.probabilities.begin(), r.probabilities.end()) - r.probabilities.begin());
    return r;
}

} // namespace studio
