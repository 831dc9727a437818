// GNU extensions of glibc that Swift's Glibc module does not expose (they need _GNU_SOURCE).
#ifndef BRAMBLE_CSYSTEM_H
#define BRAMBLE_CSYSTEM_H
#include <spawn.h>

/// pipe2(fds, O_CLOEXEC): both ends close on exec, with no window for another thread's spawn.
int bs_pipe_cloexec(int fds[2]);
/// posix_spawn_file_actions_addchdir_np: the child starts in `path`.
int bs_spawn_addchdir(posix_spawn_file_actions_t *actions, const char *path);
#endif
