// Filesystem faults for the storage tests: a small tmpfs, a loop-mounted ext4 image that can be
// frozen, read-only remounts and bind mounts. Each is undone by its destructor. They need root
// and a kernel that allows mounts; when refused, `why` says so and the test skips.
#pragma once

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>

namespace groupdesk::test {

class Mount {
public:
    // A tmpfs of `size` (e.g. "1m") at `target`, created if needed.
    static std::unique_ptr<Mount> tmpfs(const std::string& target, const std::string& size,
                                        std::string& why) {
        if (!may_mount(why)) return nullptr;
        std::filesystem::create_directories(target);
        const std::string options = "size=" + size;
        if (::mount("tmpfs", target.c_str(), "tmpfs", 0, options.c_str()) != 0) {
            why = "mounting a tmpfs was refused: " + std::string(std::strerror(errno));
            return nullptr;
        }
        return std::unique_ptr<Mount>(new Mount(target));
    }

    // A fresh ext4 filesystem of `megabytes` in the image file `image`, loop-mounted at `target`.
    static std::unique_ptr<Mount> ext4_image(const std::string& image, const std::string& target,
                                             int megabytes, std::string& why) {
        if (!may_mount(why)) return nullptr;
        std::filesystem::create_directories(target);
        { std::ofstream create(image); }
        std::filesystem::resize_file(image, static_cast<std::uintmax_t>(megabytes) << 20);
        if (shell("mkfs.ext4 -q -F '" + image + "'") != 0) {
            why = "mkfs.ext4 is not available or failed";
            return nullptr;
        }
        if (shell("mount -o loop '" + image + "' '" + target + "'") != 0) {
            why = "mount -o loop was refused (no loop devices?)";
            return nullptr;
        }
        return std::unique_ptr<Mount>(new Mount(target));
    }

    // `file` bind-mounted over itself, read-only: the file is unwritable even for root, while
    // its directory stays writable.
    static std::unique_ptr<Mount> read_only_file(const std::string& file, std::string& why) {
        if (!may_mount(why)) return nullptr;
        if (::mount(file.c_str(), file.c_str(), nullptr, MS_BIND, nullptr) != 0) {
            why = "bind mount was refused: " + std::string(std::strerror(errno));
            return nullptr;
        }
        auto mount = std::unique_ptr<Mount>(new Mount(file));
        if (!mount->remount_read_only(MS_BIND)) {
            why = "read-only remount of a bind mount was refused: " +
                  std::string(std::strerror(errno));
            return nullptr;
        }
        return mount;
    }

    ~Mount() {
        // A lazy detach if something still holds it, so a failed test never leaves it behind.
        if (::umount2(target_.c_str(), 0) != 0) ::umount2(target_.c_str(), MNT_DETACH);
    }
    Mount(const Mount&) = delete;
    Mount& operator=(const Mount&) = delete;

    bool remount_read_only(unsigned long extra = 0) {
        return ::mount(nullptr, target_.c_str(), nullptr, MS_REMOUNT | MS_RDONLY | extra,
                       nullptr) == 0;
    }
    const std::string& target() const { return target_; }

private:
    explicit Mount(std::string target) : target_(std::move(target)) {}

    static bool may_mount(std::string& why) {
        if (::geteuid() == 0) return true;
        why = "needs root to mount a filesystem";
        return false;
    }
    static int shell(const std::string& command) {
        return std::system((command + " >/dev/null 2>&1").c_str());
    }

    std::string target_;
};

// A filesystem frozen (FIFREEZE, as fsfreeze -f) until thaw() or destruction: every write to it
// blocks, as on a disk that stopped answering.
class Freeze {
public:
    explicit Freeze(const std::string& mount_point, std::string& why)
        : fd_(::open(mount_point.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
        if (fd_ < 0 || ::ioctl(fd_, FIFREEZE, 0) != 0) {
            why = "freezing the filesystem was refused: " + std::string(std::strerror(errno));
            return;
        }
        frozen_ = true;
    }
    ~Freeze() {
        thaw();
        if (fd_ >= 0) ::close(fd_);
    }
    Freeze(const Freeze&) = delete;
    Freeze& operator=(const Freeze&) = delete;

    bool frozen() const { return frozen_; }
    void thaw() {
        if (frozen_) ::ioctl(fd_, FITHAW, 0);
        frozen_ = false;
    }

private:
    int fd_ = -1;
    bool frozen_ = false;
};

}  // namespace groupdesk::test
