// FileLock: one GroupDesk process per database, by flock on a lock file next to it.
#include "storage/sqlite/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace groupdesk::storage::sqlite {

Result<FileLock> FileLock::acquire(const std::string& database_path) {
    std::string path = database_path + ".lock";
    // O_CLOEXEC: a child process must not keep the database locked after we exit.
    const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        const int err = errno;
        std::string message = "open database " + database_path + ": ";
        if (err == EROFS || err == EACCES || err == EPERM) {
            // The -wal and -shm files next to it could not be created either.
            message += "database file is not writable: ";
        }
        return make_error(ErrorCode::FailedPrecondition,
                          message + "cannot open lock file " + path + ": " + std::strerror(err),
                          err);
    }
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        ::close(fd);
        if (err == EWOULDBLOCK) {
            return make_error(ErrorCode::FailedPrecondition,
                              "database " + database_path +
                                  " is in use by another GroupDesk process (lock file " + path +
                                  ")",
                              err);
        }
        return make_error(
            ErrorCode::FailedPrecondition,
            "open database " + database_path + ": cannot lock " + path + ": " + std::strerror(err),
            err);
    }
    return FileLock(fd, std::move(path));
}

FileLock::FileLock(FileLock&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
        path_ = std::move(other.path_);
    }
    return *this;
}

FileLock::~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the lock
}

}  // namespace groupdesk::storage::sqlite
