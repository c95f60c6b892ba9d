/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Debian version numbers ([epoch:]upstream[-revision]) compared the way dpkg
 * does (deb-version(7)), and dependency relations checked against them.
 */
#ifndef APT_DEBVER_H
#define APT_DEBVER_H

#include <stdbool.h>

enum dep_op { OP_NONE, OP_LT, OP_LE, OP_EQ, OP_GE, OP_GT };

/* <0, 0 or >0 as a is older than, the same as or newer than b. */
int debver_cmp(const char *a, const char *b);

/* Does version v satisfy "op want" (OP_NONE: anything does)? */
bool debver_satisfies(const char *v, enum dep_op op, const char *want);

/* "<<", "<=", "=", ">=", ">>" (and dpkg's old "<", ">") -> op; OP_NONE if not one. */
enum dep_op debver_op(const char *s, int len);
const char *debver_opname(enum dep_op op);

#endif
