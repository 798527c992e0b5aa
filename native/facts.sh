#!/bin/sh
# Facts about this host, one "key=value" per line, for the run's manifest.
# Kept apart from measuring (as pyperf does). POSIX sh: runs on Linux and
# OpenBSD, locally or over SSH. Usage: facts.sh BUILD_DIR
build=${1:-build}
os=$(uname -s)
echo "os=$os"
echo "kernel=$(uname -r) $(uname -v)"
echo "arch=$(uname -m)"
cc_version=$( (cc --version 2>/dev/null || cc -v 2>&1) | head -n 1)
echo "compiler=$cc_version"
case $os in
Linux)
	if [ -r /etc/os-release ]; then
		. /etc/os-release
		echo "os_release=${PRETTY_NAME:-$NAME $VERSION_ID}"
	fi
	echo "cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)"
	echo "cores=$(getconf _NPROCESSORS_ONLN)"
	echo "memory_bytes=$(awk '/^MemTotal:/ { printf "%.0f\n", $2 * 1024 }' /proc/meminfo)"
	echo "load=$(cut -d ' ' -f 1-3 /proc/loadavg)"
	flags=$(sed -n 's/^flags[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
	echo "tsc_flags=$(for f in $flags; do case $f in tsc|rdtscp|constant_tsc|nonstop_tsc|tsc_reliable|tsc_known_freq) printf '%s ' "$f";; esac; done)"
	case " $flags " in *" hypervisor "*) echo "virtualized=1";; *) echo "virtualized=0";; esac
	# The kernel's own calibration is the best figure; the log may be closed to non-root users.
	line=$( (dmesg 2>/dev/null || journalctl -k -b 2>/dev/null) | grep -E 'tsc: (Refined TSC clocksource calibration|Detected) [0-9.]+ MHz' | tail -n 1)
	if [ -n "$line" ]; then
		mhz=$(echo "$line" | sed -E 's/.*(calibration:|Detected) ([0-9.]+) MHz.*/\2/')
		echo "tsc_hz=$(awk -v m="$mhz" 'BEGIN { printf "%.0f", m * 1000000 }')"
		echo "tsc_hz_source=kernel log: $(echo "$line" | sed -E 's/^\[[^]]*\] *//')"
	fi
	unstable=$( (dmesg 2>/dev/null) | grep -E 'Marking TSC unstable' | tail -n 1 | sed -E 's/^\[[^]]*\] *//')
	[ -n "$unstable" ] && echo "tsc_note=kernel log: $unstable"
	;;
OpenBSD)
	echo "os_release=OpenBSD $(uname -r)"
	echo "cpu_model=$(sysctl -n hw.model)"
	echo "cores=$(sysctl -n hw.ncpuonline 2>/dev/null || sysctl -n hw.ncpu)"
	echo "memory_bytes=$(sysctl -n hw.physmem)"
	echo "load=$(sysctl -n vm.loadavg)"
	hz=$(sysctl -n machdep.tscfreq 2>/dev/null)
	if [ -n "$hz" ]; then
		echo "tsc_hz=$hz"
		echo "tsc_hz_source=sysctl machdep.tscfreq"
	fi
	echo "virtualized=$(sysctl -n hw.product 2>/dev/null | grep -Eqi 'vmm|kvm|qemu|virtual|vmware|bochs' && echo 1 || echo 0)"
	;;
esac
if [ -x "$build/tt-tscfreq" ]; then
	"$build/tt-tscfreq" | tr ' ' '\n' | sed 's/^/measured_/'
fi
