#include "models/Classifier.h"

#include "models/Layers.h"

namespace studio {

Classifier ClassifierImpl::cloneClassifier() const
{
    auto copy = std::dynamic_pointer_cast<ClassifierImpl>(clone());
    layers::copyInferenceState(*this, *copy);
    return copy;
}

} // namespace studio
