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
echo "uid=$(id -u)"
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
	# Whether a tracer may attach by PID: Yama's policy and this user's capabilities.
	echo "ptrace_scope=$(cat /proc/sys/kernel/yama/ptrace_scope 2>/dev/null)"
	echo "cap_eff=$(sed -n 's/^CapEff:[[:space:]]*//p' /proc/self/status)"
	# Address-space randomization moves stack, heap and libraries between trials: 0 off, 1 partial, 2 full.
	echo "aslr=$(cat /proc/sys/kernel/randomize_va_space 2>/dev/null)"
	# Frequency scaling and turbo change how much work a TSC cycle is; a hypervisor adds its own exits.
	cpu=/sys/devices/system/cpu
	echo "cpufreq_governor=$(cat $cpu/cpu*/cpufreq/scaling_governor 2>/dev/null | sort -u | tr '\n' ' ')"
	echo "cpufreq_driver=$(cat $cpu/cpu0/cpufreq/scaling_driver 2>/dev/null)"
	[ -r $cpu/intel_pstate/no_turbo ] && echo "intel_no_turbo=$(cat $cpu/intel_pstate/no_turbo)"
	boost=$(cat $cpu/cpufreq/boost $cpu/cpufreq/policy0/boost 2>/dev/null | head -n 1)
	[ -n "$boost" ] && echo "cpufreq_boost=$boost"
	echo "dmi_sys_vendor=$(cat /sys/class/dmi/id/sys_vendor 2>/dev/null)"
	echo "dmi_product_name=$(cat /sys/class/dmi/id/product_name 2>/dev/null)"
	command -v systemd-detect-virt >/dev/null 2>&1 && echo "virt_detected=$(systemd-detect-virt --vm 2>/dev/null)"
	# The observers' tools, as they name their versions (each line only where the tool is).
	command -v bpftrace >/dev/null 2>&1 && echo "bpftrace_version=$(bpftrace --version 2>/dev/null | head -n 1)"
	command -v perf >/dev/null 2>&1 && echo "perf_version=$(perf --version 2>/dev/null | head -n 1)"
	command -v auditd >/dev/null 2>&1 && echo "auditd_version=$(dpkg-query -W -f='${Version}' auditd 2>/dev/null || auditd -v 2>&1 | head -n 1)"
	command -v clang >/dev/null 2>&1 && echo "clang_version=$(clang --version 2>/dev/null | head -n 1)"
	command -v bpftool >/dev/null 2>&1 && echo "libbpf_version=$(bpftool version 2>/dev/null | sed -n 's/^using libbpf //p')"
	# Audit, once enabled, slows every process created later in the boot unless "-a never,task" is in place.
	if command -v auditctl >/dev/null 2>&1; then
		echo "audit_status=$(auditctl -s 2>/dev/null | grep -E '^(enabled|pid|lost|backlog_limit|backlog_wait_time) ' | tr '\n' ' ')"
		echo "audit_rules=$(auditctl -l 2>/dev/null | tr '\n' ';')"
	fi
	marker=/run/tracetax/audit-enabled-this-boot
	[ -r $marker ] && [ "$(cat $marker)" = "$(cat /proc/sys/kernel/random/boot_id)" ] && echo "audit_enabled_this_boot=1"
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
	echo "cpufreq_governor=$(sysctl -n hw.perfpolicy 2>/dev/null)"
	echo "dmi_sys_vendor=$(sysctl -n hw.vendor 2>/dev/null)"
	echo "dmi_product_name=$(sysctl -n hw.product 2>/dev/null)"
	# OpenBSD randomizes address spaces with no system-wide switch to turn it off: Linux's "full" (2).
	echo "aslr=2"
	;;
esac
if [ -x "$build/tt-tscfreq" ]; then
	"$build/tt-tscfreq" | tr ' ' '\n' | sed 's/^/measured_/'
fi
