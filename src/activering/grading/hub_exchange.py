"""nbgrader's filesystem exchange, closed per student (for a hub where every user has their own uid).

nbgrader's own exchange already hides submissions and feedback behind names nobody can guess: the
inbound folder is write-only for students (``-wx``), each submission ends in a random string, and a
feedback file is named after a secret that only the student and the docent hold. This module closes
the three gaps that remain when the names do leak:

- a submission is readable only by its student and the docent's group, writable only by its student
  (a POSIX ACL; nbgrader leaves the folder ``rwxrwxrwx`` and the files ``rw-r--r--``);
- the inbound folder gets the sticky bit, so no student can rename or delete another's submission;
- collect skips a submission whose files belong to someone else than the student it names (a student
  who submits under a classmate's name overwrites nothing);
- a released feedback file is readable by its own student only (a POSIX ACL for the student's account,
  nothing for others), where students have accounts and the file system knows ACLs; elsewhere the
  secret name is the protection, as in nbgrader.

Switched on in ``grading/jupyterhub/nbgrader_config.py`` (``ExchangeFactory``), for docent and students.
"""

from __future__ import annotations

import errno
import glob
import os
import pwd
import re
import stat
import struct

from nbgrader.exchange.default import (
    ExchangeCollect,
    ExchangeReleaseAssignment,
    ExchangeReleaseFeedback,
    ExchangeSubmit,
)
from nbgrader.utils import notebook_hash

FALSE_SUBMISSION = "activering_false_submission"


class PrivateReleaseAssignment(ExchangeReleaseAssignment):
    """Release as nbgrader does; the inbound folder also gets the sticky bit (as /tmp)."""

    def init_dest(self):
        super().init_dest()
        mode = os.stat(self.inbound_path).st_mode
        if os.stat(self.inbound_path).st_uid == os.getuid() and not mode & stat.S_ISVTX:
            os.chmod(self.inbound_path, stat.S_IMODE(mode) | stat.S_ISVTX)


class PrivateSubmit(ExchangeSubmit):
    """Submit as nbgrader does, then close the submission to everyone but the docent's group (an ACL)."""

    def copy_files(self):
        super().copy_files()
        submission = os.path.join(self.inbound_path, self.assignment_filename)
        # inbound/ belongs to the docent who released (and to their group): that group may read, nobody else.
        docent_group = os.stat(self.inbound_path).st_gid
        paths = [(submission, True)]
        for folder, dirs, files in os.walk(submission):
            paths += [(os.path.join(folder, name), True) for name in dirs]
            paths += [(os.path.join(folder, name), False) for name in files]
        for path, is_dir in paths:
            if not set_acl(path, owner=7 if is_dir else 6, group=(docent_group, 7 if is_dir else 4)):
                self.log.warning("Geen ACL mogelijk op %s: de willekeurige naam beschermt de inzending", submission)
                return


class PrivateCollect(ExchangeCollect):
    """Collect as nbgrader does, but never a submission that someone filed under another student's name."""

    def _genuine(self, record: dict) -> bool:
        if not self.check_owner:
            return True  # one uid for all servers (Kubernetes, demos): ownership says nothing
        path = os.path.join(self.inbound_path, record["filename"])
        try:
            owner = pwd.getpwuid(os.stat(path).st_uid).pw_name
        except (KeyError, OSError):
            owner = None
        if owner != record["username"]:
            self.log.warning(
                "Inzending %s overgeslagen: ingeleverd door %s, niet door %s",
                record["filename"],
                owner,
                record["username"],
            )
            return False
        return True

    def _sort_by_timestamp(self, records):
        # Called per student on all their records; the newest genuine one is collected.
        genuine = [record for record in records if self._genuine(record)]
        # Only false ones: a marked stand-in that copy_files leaves out (nbgrader takes element 0).
        return super()._sort_by_timestamp(genuine) or [{**records[0], FALSE_SUBMISSION: True}]

    def copy_files(self):
        self.src_records = [record for record in self.src_records if not record.get(FALSE_SUBMISSION)]
        super().copy_files()


# POSIX ACL as the kernel stores it (xattr system.posix_acl_access, version 2): tag, permissions, id.
_ACL_USER_OBJ, _ACL_USER, _ACL_GROUP_OBJ, _ACL_GROUP, _ACL_MASK, _ACL_OTHER = 0x01, 0x02, 0x04, 0x08, 0x10, 0x20
_NO_ID = 0xFFFFFFFF


def set_acl(
    path: str, *, owner: int, user: tuple[int, int] | None = None, group: tuple[int, int] | None = None
) -> bool:
    """Access for the owner, one named user and/or group (id, rwx bits), nobody else; False without ACLs.

    The owner of a file may set its ACL without being a member of the group it names.
    """
    entries = [(_ACL_USER_OBJ, owner, _NO_ID)]
    if user:
        entries.append((_ACL_USER, user[1], user[0]))
    entries.append((_ACL_GROUP_OBJ, 0, _NO_ID))
    if group:
        entries.append((_ACL_GROUP, group[1], group[0]))
    mask = (user[1] if user else 0) | (group[1] if group else 0)
    entries += [(_ACL_MASK, mask, _NO_ID), (_ACL_OTHER, 0, _NO_ID)]
    data = struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *entry) for entry in entries)
    try:
        os.setxattr(path, "system.posix_acl_access", data)
    except OSError as error:
        if error.errno in (errno.ENOTSUP, errno.EOPNOTSUPP, errno.EPERM, errno.EACCES):
            return False
        raise
    return True


class PrivateReleaseFeedback(ExchangeReleaseFeedback):
    """Release feedback as nbgrader does; then each file is readable by its own student only (ACL)."""

    def copy_files(self):
        super().copy_files()
        pattern = re.escape(os.path.sep).join(
            [
                self.coursedir.format_path(
                    self.coursedir.feedback_directory, "(?P<student_id>.*)", self.coursedir.assignment_id, escape=True
                ),
                "(?P<notebook_id>.*).html",
            ]
        )
        for html_file in glob.glob(os.path.join(self.src_path, "*.html")):
            found = re.match(pattern, html_file)
            if found is None:
                continue
            try:
                uid = pwd.getpwnam(found["student_id"]).pw_uid
            except KeyError:
                continue  # no account of their own (one uid for all): the secret name protects the file
            with open(os.path.join(os.path.dirname(html_file), "submission_secret.txt")) as fh:
                secret = fh.read()
            released = os.path.join(
                self.dest_path, f"{notebook_hash(secret=secret, notebook_id=found['notebook_id'])}.html"
            )
            if os.path.isfile(released) and not set_acl(released, owner=6, user=(uid, 4)):
                self.log.warning("Geen ACL mogelijk op %s: de geheime naam beschermt de feedback", released)
