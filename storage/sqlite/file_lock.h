// FileLock: the exclusive lock that keeps a second GroupDesk process off a database file.
#pragma once

#include <string>
#include <utility>

#include "common/result.h"

namespace groupdesk::storage::sqlite {

// An flock(LOCK_EX) on "<database>.lock", held while the object lives. flock locks belong to an
// open file description, so a second acquire() of the same database fails even in one process.
// The lock file is left behind on release: removing it would race with the next owner.
class FileLock {
public:
    // FailedPrecondition when another process holds the lock ("... is in use by another
    // GroupDesk process ...") or the lock file cannot be opened for writing ("database file is
    // not writable").
    [[nodiscard]] static Result<FileLock> acquire(const std::string& database_path);

    FileLock(FileLock&& other) noexcept;
    FileLock& operator=(FileLock&& other) noexcept;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock();

    const std::string& path() const { return path_; }

private:
    FileLock(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
    int fd_ = -1;
    std::string path_;
};

}  // namespace groupdesk::storage::sqlite
