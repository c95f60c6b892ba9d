#!/usr/bin/env bash
# pin: json-c
# image: tools
# Static musl libjson-c for cryptsetup's LUKS2 metadata (BUILD-NOTES
# section 8): a library only, nothing installed into the image. json-c 0.16
# builds only with CMake (build/deps.txt: cmake).
#   build/components/json-c.sh SRC BUILD STAGE
# Provides BUILD/prefix/lib/libjson-c.a, BUILD/prefix/include/json-c/*.h and
# BUILD/prefix/lib/pkgconfig/json-c.pc (prefix= points at BUILD/prefix).
set -euo pipefail
. "$(dirname "$0")/lib.sh" json-c "$@"

command -v cmake >/dev/null || die "cmake not found (apt-get install cmake; it is in build/deps.txt)"
prefix=$BUILD/prefix
copy_src
obj=$BUILD/obj
rm -rf "$obj" "$prefix"
msg "configuring (cmake)"
# CC is "[ccache] musl-gcc -isystem KINC": CMake takes the launcher and the flags apart.
read -ra cc_args <<<"$CC"
launcher=()
[ "${cc_args[0]}" != ccache ] || { launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache); cc_args=("${cc_args[@]:1}"); }
run_logged configure cmake cmake -S "$TREE" -B "$obj" "${launcher[@]}" \
	-DCMAKE_C_COMPILER="$(command -v "${cc_args[0]}")" \
	-DCMAKE_C_FLAGS="${cc_args[*]:1} $CFLAGS_COMMON -ffile-prefix-map=$TREE=." \
	-DCMAKE_BUILD_TYPE=MinSizeRel -DCMAKE_INSTALL_PREFIX="$prefix" -DCMAKE_INSTALL_LIBDIR=lib \
	-DBUILD_SHARED_LIBS=OFF -DBUILD_STATIC_LIBS=ON -DBUILD_TESTING=OFF -DBUILD_APPS=OFF \
	-DDISABLE_WERROR=ON -DENABLE_THREADING=OFF -DDISABLE_EXTRA_LIBS=ON
msg "building (-j$JOBS; log: build.log)"
run_logged build "cmake --build" cmake --build "$obj" -j "$JOBS"
run_logged install "cmake --install" cmake --install "$obj"
for f in lib/libjson-c.a include/json-c/json.h lib/pkgconfig/json-c.pc; do
	[ -r "$prefix/$f" ] || die "missing $prefix/$f"
done
msg "built prefix/lib/libjson-c.a=$(stat -c %s "$prefix/lib/libjson-c.a")"
