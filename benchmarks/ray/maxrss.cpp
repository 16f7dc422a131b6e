// bench_ray_maxrss OUT CMD ARGS...: runs CMD as a child and writes its ru_maxrss (KiB, from
// wait4) to the file OUT; exits with the child's exit status.
//
// Why a launcher: Linux keeps the peak RSS of the memory image a process had before execve
// (with vfork, the parent's), so a client spawned straight from the Python driver would report
// at least the driver's own peak RSS (about 25 MiB), not its own. This launcher is small, and
// its fork starts the client from its small image.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: bench_ray_maxrss OUT CMD [ARGS...]\n");
        return 2;
    }
    const pid_t pid = fork();
    if (pid < 0) {
        std::perror("fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        std::perror(argv[2]);
        _exit(127);
    }
    int status = 0;
    rusage usage{};
    if (wait4(pid, &status, 0, &usage) != pid) {
        std::perror("wait4");
        return 2;
    }
    if (FILE* out = std::fopen(argv[1], "w")) {
        std::fprintf(out, "%ld\n", usage.ru_maxrss);
        std::fclose(out);
    }
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
