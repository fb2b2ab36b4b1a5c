// SPDX-License-Identifier: GPL-2.0
/*
 * isolate DIR...: a fresh, empty tmpfs on each DIR that exists, after
 * detaching every tmpfs already mounted there. guest-init.sh runs it
 * between two tests: one program instead of a mount(8) and umount(8)
 * each, since under TCG a program costs a second or more.
 */
#include <errno.h>
#include <mntent.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

static bool tmpfs_on(const char *dir)
{
	struct mntent *m;
	bool found = false;
	FILE *f;

	f = setmntent("/proc/self/mounts", "r");
	if (!f)
		return false;
	while ((m = getmntent(f)))
		if (!strcmp(m->mnt_dir, dir) && !strcmp(m->mnt_type, "tmpfs"))
			found = true;
	endmntent(f);
	return found;
}

int main(int argc, char **argv)
{
	struct stat st;
	int i, ret = 0;

	for (i = 1; i < argc; i++) {
		const char *dir = argv[i];

		if (stat(dir, &st) || !S_ISDIR(st.st_mode))
			continue;
		while (tmpfs_on(dir)) {
			if (umount2(dir, MNT_DETACH)) {
				fprintf(stderr, "isolate: umount %s: %s\n", dir, strerror(errno));
				break;
			}
		}
		if (mount("tmpfs", dir, "tmpfs", 0, NULL)) {
			fprintf(stderr, "isolate: mount tmpfs on %s: %s\n", dir, strerror(errno));
			ret = 1;
		}
	}
	return ret;
}
