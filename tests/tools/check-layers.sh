#!/usr/bin/env bash
# Show that the files of each tool directory call each other in one direction only: no circle.
#   tests/tools/check-layers.sh BUILD_DIR [DIR...]     (default DIRs: kexec udev vmcore)
# For every object DIR/X.o of the build, an edge X -> Y is drawn when X uses a symbol that
# DIR/Y.o defines (nm: U in X, T/D/B/R in Y).  tsort(1) orders the edges; a circle is printed
# with the symbols that close it, and the exit status is 1.  Run after `make`.
set -euo pipefail

build=${1:?usage: check-layers.sh BUILD_DIR [DIR...]}
shift
[ $# -gt 0 ] || set -- kexec udev vmcore
status=0

for dir in "$@"; do
	objs=("$build/$dir"/*.o)
	if [ ! -e "${objs[0]}" ]; then
		echo "check-layers: no objects in $build/$dir: build first" >&2
		exit 2
	fi
	# "FILE SYMBOL" for every definition and every use
	defs=$(for o in "${objs[@]}"; do
		nm --defined-only "$o" | awk -v f="$(basename "$o" .o)" '$2 ~ /^[TDBR]$/ { print f, $3 }'
	done)
	uses=$(for o in "${objs[@]}"; do
		nm --undefined-only "$o" | awk -v f="$(basename "$o" .o)" '{ print f, $2 }'
	done)
	# "USER DEFINER SYMBOL", one line per call across files
	edges=$(awk 'NR == FNR { def[$2] = $1; next } ($2 in def) && def[$2] != $1 { print $1, def[$2], $2 }' \
		<(echo "$defs") <(echo "$uses") | sort -u)
	if loop=$(awk '{ print $1, $2 }' <<<"$edges" | tsort 2>&1 >/dev/null) && [ -z "$loop" ]; then
		echo "$dir: $(awk '{ print $1, $2 }' <<<"$edges" | sort -u | wc -l) call edges between" \
			"${#objs[@]} files, no circle"
		continue
	fi
	status=1
	echo "$dir: the files call each other in a circle:"
	# tsort names the members of each loop, one per line after its "input contains a loop" line
	members=$(grep -v 'input contains a loop' <<<"$loop" | sed 's/^tsort: //' | sort -u)
	while read -r from to sym; do
		if grep -qx "$from" <<<"$members" && grep -qx "$to" <<<"$members"; then
			echo "  $dir/$from.c calls $sym in $dir/$to.c"
		fi
	done <<<"$edges"
done
exit $status
