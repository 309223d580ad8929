#include "inference/Predictor.h"

#include "data/ImageTensor.h"
#include "evaluation/Embedding.h"
#include "data/ModelInput.h"
#include "inference/CanvasPreprocessor.h"
#include "util/StudioError.h"

#include <ATen/Parallel.h>

#include <chrono>
#include <cmath>
#include <thread>

#include <torch/csrc/autograd/grad_mode.h>

namespace studio {

Predictor::Predictor(const QString& checkpointPath) : m_loaded(loadModelFromCheckpoint(checkpointPath))
{
    chooseThreads();
}

void Predictor::chooseThreads()
{
    if (std::thread::hardware_concurrency() < 2)
        return;
    torch::NoGradGuard noGrad;
    const auto blank = torch::zeros({1, 1, 28, 28});
    using Clock = std::chrono::steady_clock;
    double best = 0;
    for (int threads : {2, 1}) {
        at::set_num_threads(threads);
        for (int i = 0; i < 20; ++i) // warm-up: threads woken, kernels chosen, buffers allocated
            m_loaded.model->forward(blank);
        const auto start = Clock::now();
        for (int i = 0; i < 20; ++i)
            m_loaded.model->forward(blank);
        const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
        if (threads == 2 || seconds < best) {
            best = seconds;
            m_threads = threads;
        }
    }
    at::set_num_threads(m_threads);
}

std::vector<float> Predictor::probabilities(const cv::Mat& image28) const
{
    return probabilities(std::vector<cv::Mat>{image28});
}

std::vector<float> Predictor::probabilities(const std::vector<cv::Mat>& images28) const
{
    if (images28.empty())
        return {};
    torch::NoGradGuard noGrad;
    std::vector<torch::Tensor> each;
    each.reserve(images28.size());
    for (const auto& image : images28)
        each.push_back(tensorFromMat(image));
    const auto pixels = torch::stack(each);
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

torch::Tensor Predictor::features(const cv::Mat& image28) const
{
    return penultimateFeatures(*m_loaded.model, tensorFromMat(image28).unsqueeze(0), m_loaded.meta.data.mean,
                               m_loaded.meta.data.std);
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
