#include "runs/StudyRunner.h"

#include "util/StudioError.h"

namespace studio {

StudyRunner::StudyRunner(RunStore& store, AblationStudy study, QString name, std::shared_ptr<const Dataset> data)
    : m_store(store), m_study(std::move(study)), m_name(std::move(name)), m_data(std::move(data))
{
    if (!m_data)
        throw StudioError("A study needs a dataset.");
    if (m_study.variants.empty())
        throw StudioError("The study has no variants.");
}

void StudyRunner::stop()
{
    m_stop = true;
    std::lock_guard lock(m_mutex);
    if (m_training)
        m_training->stop();
}

std::optional<RunRecord> StudyRunner::earlierRun(const AblationVariant& variant) const
{
    std::optional<RunRecord> found;
    for (auto& r : m_store.runs())
        if (r.study == m_name && r.config == variant.config && r.data.key() == m_data->key())
            found = std::move(r); // the newest attempt
    return found;
}

StudyOutcome StudyRunner::run(StudyListener& listener)
{
    StudyOutcome outcome;
    std::vector<std::int64_t> ids;
    for (std::size_t i = 0; i < m_study.variants.size(); ++i) {
        const auto& variant = m_study.variants[i];
        if (m_stop) {
            outcome.message =
                "Study stopped by the user before \"" + variant.name + "\"; the finished variants are kept.";
            return outcome;
        }
        LaunchRequest request{variant.config, m_data, 0, {}, m_name, true};
        const auto earlier = earlierRun(variant);
        if (earlier && earlier->status == "running")
            throw StudioError("Run " + std::to_string(earlier->id) + " of study \"" + m_name.toStdString() +
                              "\" is training in another process.");
        if (earlier && (earlier->status == "completed" || earlier->status == "early-stopped") &&
            earlier->testAccuracy >= 0) {
            ++outcome.skipped;
            ids.push_back(earlier->id);
            listener.finished(i, earlier->id, nullptr);
            continue;
        }
        {
            if (earlier && earlier->resumable()) {
                request.resumeId = earlier->id;
                request.search.loaded.push_back(m_data);
            }
            RunLauncher launcher(m_store, request);
            {
                std::lock_guard lock(m_mutex);
                m_training = &launcher.trainer();
                if (m_stop)
                    m_training->stop();
            }
            const auto result = launcher.run(listener.launching(i, launcher));
            {
                std::lock_guard lock(m_mutex);
                m_training = nullptr;
            }
            listener.finished(i, launcher.runId(), &result);
            const auto id = std::to_string(launcher.runId());
            if (result.finished.reason == FinishReason::StoppedByUser) {
                outcome.message = "Study stopped by the user during \"" + variant.name + "\" (run " + id +
                                  " is resumable; run the study again to finish it, the finished variants are kept).";
                return outcome;
            }
            if (!endedWell(result.finished.reason)) {
                outcome.message = "Study stopped: run " + id + " (\"" + variant.name + "\") " +
                                  nameOf(result.finished.reason) + ": " + result.finished.message;
                return outcome;
            }
            if (!result.evaluated) {
                outcome.message = "Study stopped: run " + id + " could not be evaluated: " + result.evaluationError;
                return outcome;
            }
            ids.push_back(launcher.runId());
        }
    }
    std::vector<std::string> names;
    std::vector<RunRecord> runs;
    std::vector<std::vector<EpochRecord>> histories;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        names.push_back(m_study.variants[i].name);
        runs.push_back(*m_store.run(ids[i]));
        histories.push_back(m_store.epochs(ids[i]));
    }
    outcome.rows = ablationTable(names, runs, histories, m_study.targetAccuracy);
    outcome.completed = true;
    outcome.message = "Study \"" + m_name.toStdString() + "\" completed: " + std::to_string(ids.size()) + " runs" +
                      (outcome.skipped ? " (" + std::to_string(outcome.skipped) + " finished by an earlier attempt)"
                                       : std::string()) +
                      ".";
    return outcome;
}

} // namespace studio
