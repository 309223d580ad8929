#pragma once
#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

#include <QString>

namespace studio {

/// A checkpoint file: the LibTorch archive of a checkpoint ("model", "optimizer", "meta") as the
/// bytes of an entry "payload" of an outer archive, with their SHA-256 ("sha256") and a copy of
/// "meta" beside them (so readers of format 2 say "written by a newer MNIST Studio"). Damage
/// anywhere in the content is found on open.
///
/// Writes `content` to `file` through QSaveFile (all or nothing); errors name `shownAs`.
void writeCheckpointFile(torch::serialize::OutputArchive& content, const std::string& meta, const QString& file,
                         const QString& shownAs);

/// The checked content of a checkpoint file: its payload once its checksum matches (or the whole
/// archive of a file written before checksums, format ≤ 2, whose meta says so). Throws StudioError
/// with one plain sentence for a missing, damaged or foreign file.
torch::serialize::InputArchive openCheckpointFile(const QString& path);

} // namespace studio
