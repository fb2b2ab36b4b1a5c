#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Turn bench/guest.sh's raw figures into tables, an SVG plot and the
generated part of Documentation/benchmarks.rst.

  report.py --results DIR --kernel NAME [--rst FILE] [--vm-secs S] [--total-secs S]
            [--only vfio]

Only the text between the GENERATED markers of the rst file is replaced;
the rest is written by hand. The VFIO section has markers of its own, so
that a run of it alone (--only vfio, from BENCH_ONLY=vfio) replaces it and
nothing else.
"""
import argparse
import math
import os
import re
import statistics
import sys

BEGIN = '.. BEGIN GENERATED (bench/report.py)'
END = '.. END GENERATED'
VBEGIN = '.. BEGIN GENERATED VFIO (bench/report.py)'
VEND = '.. END GENERATED VFIO'


def parse(path):
    stats, info, other = {}, {}, []
    for line in open(path):
        f = line.split()
        if not f:
            continue
        if f[0] == 'info':
            for kv in f[1:]:
                k, _, v = kv.partition('=')
                info[k] = v
        elif f[0] == 'stat':
            name = f[1].split('=', 1)[1]
            if len(f) > 2 and '=' not in f[2]:
                # kernel split of an unregister: unpublish_ns wait_ns
                d = {'unpublish': int(f[2]) / 1e3, 'wait': int(f[3]) / 1e3}
            else:
                d = {}
                for kv in f[2:]:
                    k, _, v = kv.partition('=')
                    d[k] = float(v)
            stats.setdefault(name, []).append(d)
        else:
            other.append(line.rstrip())
    return stats, info, other


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p / 100 * (len(v) - 1) + 0.5))]


def summary(vals):
    return {'n': len(vals), 'fail': 0, 'p50': statistics.median(vals),
            'p10': pct(vals, 10), 'p90': pct(vals, 90), 'min': min(vals),
            'max': max(vals)}


def load_samples(d):
    """$BENCH_SAMPLES/NAME: "run fail=N" headers, then "cycle create remove"."""
    out = {}
    if not os.path.isdir(d):
        return out
    for name in os.listdir(d):
        cols, runs, fail = ([], [], []), 0, 0
        for line in open(os.path.join(d, name)):
            if line.startswith('run'):
                runs += 1
                fail += int(line.split('=')[1])
                continue
            for c, v in zip(cols, line.split()):
                c.append(float(v))
        for suffix, c in zip(('', '.create', '.remove'), cols):
            if c:
                r = summary(c)
                r['runs'], r['fail'] = runs, fail
                r['ops_s'] = len(c) / (sum(c) / 1e6)
                out[name + suffix] = r
            else:
                out[name + suffix] = {'n': 0, 'fail': fail, 'runs': runs}
    return out


class Figures:
    def __init__(self, stats, samples):
        self.s = stats
        self.samples = samples

    def get(self, name):
        """One stat: pooled samples, a cycle line, or n=1 lines merged."""
        if name in self.samples:
            return self.samples[name]
        lines = self.s.get(name)
        if not lines:
            return None
        if len(lines) == 1 and lines[0].get('n', 1) != 1:
            return lines[0]
        vals = [d['p50'] for d in lines if d.get('n')]
        if not vals:
            return {'n': 0, 'fail': sum(d.get('fail', 0) for d in lines)}
        r = summary(vals)
        r['fail'] = sum(d.get('fail', 0) for d in lines)
        return r

    def kernel(self, name, key):
        lines = self.s.get(name + '.kernel')
        if not lines:
            return None
        return summary([d[key] for d in lines])


def us(x):
    if x is None:
        return '-'
    if x >= 10000:
        return '%.1f ms' % (x / 1000)
    return '%.0f us' % x


def cell(st):
    if not st or not st.get('n'):
        return 'n/a' if not st else 'FAILED (%d)' % st.get('fail', 0)
    c = '%s [%s..%s] n=%d' % (us(st['p50']), us(st['p10']).split()[0],
                              us(st['p90']), st['n'])
    if st.get('runs', 1) > 1:
        c += '/%d runs' % st['runs']
    if st.get('fail'):
        c += ' FAILED %d' % st['fail']
    return c


def ratio(a, b):
    if not a or not b or not a.get('n') or not b.get('n'):
        return '-'
    return '%.2fx' % (a['p50'] / b['p50'])


def table(headers, rows):
    w = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    line = '  '.join('-' * n for n in w)
    out = [line, '  '.join(str(h).ljust(n) for h, n in zip(headers, w)).rstrip(), line]
    for r in rows:
        out.append('  '.join(str(c).ljust(n) for c, n in zip(r, w)).rstrip())
    out.append(line)
    return '\n'.join(out)


def slab_total(path):
    """Bytes in slab objects per cache: active_objs * objsize."""
    caches = {}
    for line in open(path):
        if line.startswith(('slabinfo', '#')):
            continue
        f = line.split()
        caches[f[0]] = int(f[1]) * int(f[3])
    return caches


def meminfo(path):
    m = {}
    for line in open(path):
        k, v = line.split(':', 1)
        m[k] = int(v.split()[0])
    return m


def memory_rows(res):
    rows, detail = [], []
    for tag, a, b, n, what in (
            ('up', 'up-0', 'up-19', 19, 'upstream mtty-1 (vfio device per mdev)'),
            ('sample', 'sample-0', 'bench-0', 19, 'ours msample-1 (a tty per mdev)'),
            ('bench', 'bench-0', 'floor-0', 19, 'ours port-less'),
            ('floor', 'floor-0', 'floor-19', 19, 'floor (bare device)'),
            ('sample', 'esw-20', 'esw-1000', 980, 'ours msample-1 (a tty per mdev)'),
            ('bench', 'scale-pre-10k', 'scale-bench-10k', 9000, 'ours port-less'),
            ('floor', 'scale-bench-10k', 'scale-floor-10k', 9000, 'floor (bare device)')):
        pa, pb = (os.path.join(res, 'slab-%s.txt' % x) for x in (a, b))
        if not (os.path.exists(pa) and os.path.exists(pb)):
            continue
        sa, sb = slab_total(pa), slab_total(pb)
        ma = meminfo(os.path.join(res, 'meminfo-%s.txt' % a))
        mb = meminfo(os.path.join(res, 'meminfo-%s.txt' % b))
        delta = {k: sb.get(k, 0) - sa.get(k, 0) for k in set(sa) | set(sb)}
        slab = sum(delta.values()) / n
        kmalloc = sum(v for k, v in delta.items() if k.startswith('kmalloc')) / n
        free = (ma['MemFree'] - mb['MemFree']) * 1024 / n
        rows.append([what, n, '%.0f B' % slab, '%.0f B' % kmalloc,
                     '%.0f B' % ((mb['Slab'] - ma['Slab']) * 1024 / n), '%.0f B' % free])
        if n > 1000:
            top = sorted(delta.items(), key=lambda kv: -kv[1])[:8]
            detail.append('%s, per mdev: ' % what + ', '.join(
                '%s %.0f B' % (k, v / n) for k, v in top if v / n >= 1))
    return rows, detail


def svg_plot(path, series, title, kernel):
    """Log-x plot of median per-cycle cost with p10..p90 bars."""
    W, H, L, R, T, B = 720, 420, 70, 190, 50, 60
    xs = [x for _, pts, _ in series for x, *_ in pts]
    ys = [p90 for _, pts, _ in series for _, _, _, p90 in pts]
    if not xs:
        return
    x0, x1 = math.log10(min(xs)), math.log10(max(xs))
    x1 = max(x1, x0 + 1)
    ymax = max(ys) * 1.1
    sx = lambda x: L + (math.log10(x) - x0) / (x1 - x0) * (W - L - R)
    sy = lambda y: H - B - y / ymax * (H - T - B)
    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
         'font-family="sans-serif" font-size="12">' % (W, H),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="%d" y="20" font-size="14">%s</text>' % (L, title),
         '<text x="%d" y="36" fill="#555">%s</text>' % (L, kernel)]
    o.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (L, H - B, W - R, H - B))
    o.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (L, T, L, H - B))
    for e in range(int(math.floor(x0)), int(math.ceil(x1)) + 1):
        x = sx(10 ** e)
        o.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#ddd"/>' % (x, T, x, H - B))
        o.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (
            x, H - B + 16, '{:,}'.format(10 ** e)))
    step = 10 ** math.floor(math.log10(ymax / 5))
    for m in (1, 2, 5, 10):
        if ymax / (step * m) <= 8:
            step *= m
            break
    y = 0
    while y <= ymax:
        o.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (L, sy(y), W - R, sy(y)))
        o.append('<text x="%d" y="%.1f" text-anchor="end">%g</text>' % (L - 6, sy(y) + 4, y))
        y += step
    o.append('<text x="%d" y="%d" text-anchor="middle">live mdevs (log scale)</text>' % (
        (L + W - R) / 2, H - 20))
    o.append('<text x="18" y="%d" transform="rotate(-90 18 %d)" text-anchor="middle">'
             'us per create+remove cycle (median, p10..p90)</text>' % ((T + H - B) / 2, (T + H - B) / 2))
    for i, (label, pts, colour) in enumerate(series):
        d = ' '.join('%s%.1f,%.1f' % ('M' if j == 0 else 'L', sx(x), sy(p50))
                     for j, (x, p50, _, _) in enumerate(pts))
        o.append('<path d="%s" fill="none" stroke="%s" stroke-width="2"/>' % (d, colour))
        for x, p50, p10, p90 in pts:
            o.append('<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s"/>' % (
                sx(x), sy(p10), sx(x), sy(p90), colour))
            o.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>' % (sx(x), sy(p50), colour))
        o.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>' % (W - R + 15, T + 20 * i, colour))
        o.append('<text x="%d" y="%d">%s</text>' % (W - R + 32, T + 10 + 20 * i, label))
    o.append('</svg>')
    with open(path, 'w') as f:
        f.write('\n'.join(o) + '\n')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--results', required=True)
    ap.add_argument('--kernel', required=True)
    ap.add_argument('--rst')
    ap.add_argument('--vm-secs')
    ap.add_argument('--total-secs')
    ap.add_argument('--only', choices=['vfio'])
    a = ap.parse_args()
    stats, info, _ = parse(os.path.join(a.results, 'raw.txt'))
    F = Figures(stats, load_samples(os.path.join(a.results, 'samples')))
    g = F.get
    K = a.kernel
    out = []
    vfio = vfio_section(F, info, K)
    timing = ''
    if a.total_secs:
        timing = 'The whole `make bench` took %s s, of which the VM run %s s.' % (
            a.total_secs, a.vm_secs)
    for title, text in vfio:
        print('\n== %s ==\n%s' % (title, text))
    if a.rst:
        run = 'BENCH_ONLY=vfio ' if a.only else ''
        gen = [VBEGIN, '', 'Results of the last %s`make bench`. Kernel: %s (%s, %s MB, %s CPU).' % (
            run, K, info.get('kernel', '?'), int(info.get('mem_kb', 0)) // 1024,
            info.get('cpus', '?')), '']
        if timing:
            gen += [timing, '']
        gen += rst_sections(vfio) + [VEND]
        replace_block(a.rst, VBEGIN, VEND, '\n'.join(gen))
    if a.only:
        if timing:
            print(timing)
        return 0

    def section(title, text):
        # The kernel on a line of its own, then the section's own text.
        text = text.replace('Kernel: %s. ' % K, 'Kernel: %s.\n' % K, 1)
        out.append((title, text))

    # 1. Side by side.
    rows = []
    for label, key in (('cycle, 1 live', 'c1'), ('cycle, 20 live', 'c20'),
                       ('mdevctl types, 20 live', 'mdevctl_types'),
                       ('mdevctl list, 20 live', 'mdevctl_list')):
        up, sa, be = g('up.' + key), g('sample.' + key), g('bench.' + key)
        fl = g('floor.' + key) if key.startswith('c') else None
        rows.append([label, cell(up), cell(sa), cell(be), cell(fl) if fl else '-',
                     ratio(sa, up), ratio(be, up), ratio(be, fl) if fl else '-'])
    for label, key in (('cycles/s, 1 live', 'c1'), ('cycles/s, 20 live', 'c20')):
        vals = [g(p + '.' + key) for p in ('up', 'sample', 'bench', 'floor')]
        rows.append([label] + ['%.0f' % v['ops_s'] if v and v.get('n') else '-' for v in vals]
                    + ['', '', ''])
    for label, key in (('slowest cycle, 1 live', 'c1'), ('slowest cycle, 20 live', 'c20')):
        vals = [g(p + '.' + key) for p in ('up', 'sample', 'bench', 'floor')]
        rows.append([label] + [us(v['max']) if v and v.get('n') else '-' for v in vals]
                    + ['', '', ''])
    section('Side by side in one boot: create+remove through sysfs, and mdevctl',
            'Kernel: %s. Median [p10..p90], n = successful cycles (each one create\n'
            'write and one remove write; failed writes are counted apart and never\n'
            'timed). "20 live" = 19 others exist during each cycle. Ratios are of\n'
            'medians. Upstream and ours take turns in rounds within the boot (runs);\n'
            'the samples of all rounds are pooled.\n\n' % K + table(
                ['', 'upstream mtty-1', 'ours msample-1', 'ours port-less', 'floor',
                 'ours-dp/up', 'ours-nodp/up', 'ours-nodp/floor'], rows) +
            '\n\nupstream mtty-1: mdev.ko + mtty.ko, a vfio device per mdev.\n'
            'ours msample-1: mdevfw + sample parent, a tty per mdev (the data path).\n'
            'ours port-less: mdevfw + bench/parent, no char device per mdev.\n'
            'floor: bench/floor, a bare device on a minimal bus per sysfs write.\n'
            'cycles/s: successful cycles over the time they took, so stalls count.\n'
            'Upstream modules loaded: %s.' % info.get('upstream_modules', '?') +
            overhead(g))

    # 2. Breakdown.
    names = ('floor.c1', 'floor_links.c1', 'floor_bind.c1', 'bench.c1')
    fl, fll, fllb, be = (g(x) for x in names)
    rows = []
    prev = None
    for name, label, st in zip(names, (
            'floor: bare device_register/unregister',
            '+ the two symlinks (mdev_type, type devices/)',
            '+ a bound driver (device_driver_attach)',
            'ours, port-less: + locks, SRCU, UUID index, accounting'), (fl, fll, fllb, be)):
        if not st or not st.get('n'):
            continue
        cr, rm = g(name + '.create'), g(name + '.remove')
        rows.append([label, cell(st), us(cr['p50']) if cr else '-', us(rm['p50']) if rm else '-',
                     '%+.0f us' % (st['p50'] - prev['p50']) if prev else '', ratio(st, fl)])
        prev = st
    section('The floor and where the rest goes (1 live)',
            'Kernel: %s. Each step adds one piece of what an mdevfw create does to\n'
            'the floor (bench/floor types x, links, bind); all five take turns in\n'
            'one process.\n\n' % K +
            table(['', 'cycle', 'create', 'remove', 'step', 'x floor'], rows))

    # 3. Scaling.
    rows, ours_pts, floor_pts = [], [], []
    for n in (1, 100, 1000, 10000, 100000, '1000b'):
        b, f = g('bench.s%s' % n), g('floor.s%s' % n)
        if not b and not f:
            continue
        b1k = g('bench.s1000')
        f1k = g('floor.s1000')
        norm = '-'
        if b and f and b1k and f1k and b.get('n') and f.get('n'):
            norm = '%.2fx' % ((b['p50'] / f['p50']) / (b1k['p50'] / f1k['p50']))
        rows.append(['1,000 again' if n == '1000b' else '{:,}'.format(n), cell(b), cell(f),
                     ratio(b, f), ratio(b, b1k), norm])
        if n == '1000b':
            continue
        if b and b.get('n'):
            ours_pts.append((n, b['p50'], b['p10'], b['p90']))
        if f and f.get('n'):
            floor_pts.append((n, f['p50'], f['p10'], f['p90']))
    section('Cost per cycle against live mdevs (port-less type)',
            'Kernel: %s. C driver (bench/mdevbench.c), one fresh UUID per cycle.\n\n' % K +
            table(['live', 'ours port-less', 'floor', 'ours/floor', 'ours/ours@1k',
                   '(ours/floor)/(@1k)'], rows) +
            '\n\nThe host\'s load drifts between points, and moves ours and the floor\n'
            'alike (they take turns in 4 rounds at each point): the last column\n'
            'divides it out. "1,000 again" is measured after the largest point, on\n'
            'the way back down: a control for drift.')
    svg = os.path.join(a.results, 'scaling.svg')
    svg_plot(svg, [('ours (port-less)', ours_pts, '#c0392b'), ('floor', floor_pts, '#2c3e50')],
             'mdevfw: create+remove cycle cost vs live mdevs', K)

    # 4. Unregister.
    rows = []
    big = max([int(k.split('.l')[1]) for k in stats if re.match(r'unreg\.e0\.l\d+$', k)] or [0])
    plan = [(0, False), (1000, False), (10000, False)] + \
        ([(big, False)] if big > 10000 else []) + [(0, True), (1000, True)]
    for live, busy in plan:
        r = ['{:,}'.format(live), 'yes' if busy else 'no']
        for e in (0, 1):
            name = 'unreg.e%d.l%d%s' % (e, live, '.busy' if busy else '')
            st = g(name)
            up, wt = F.kernel(name, 'unpublish'), F.kernel(name, 'wait')
            r += [cell(st), '%s / %s' % (us(up['p50']), us(wt['p50'])) if up else '-']
        e0, e1 = (g('unreg.e%d.l%d%s' % (e, live, '.busy' if busy else '')) for e in (0, 1))
        r.append(ratio(e1, e0))
        rows.append(r)
    text = ('Kernel: %s. del_parent of bench/parent: one write, timed from user\n'
            'space; the split is measured in the kernel: unpublish (under the\n'
            'lifecycle lock, removes every mdev) / wait (SRCU grace period and the\n'
            'last references). "in flight": two processes create and remove mdevs\n'
            'on the parent until it goes. Upstream mtty has no runtime parent\n'
            'removal (only module unload), so this table has no upstream column.\n\n' % K +
            table(['live', 'in flight', 'synchronize_srcu', 'unpublish / wait',
                   'expedited', 'unpublish / wait', 'exp/normal'], rows))
    loads = open(os.path.join(a.results, 'load.txt')).read().split('\n') \
        if os.path.exists(os.path.join(a.results, 'load.txt')) else []
    oks = [int(m.group(1)) for m in (re.search(r'ok=(\d+)', x) for x in loads) if m]
    if oks:
        ends = sorted(set(x.split('end=', 1)[1] for x in loads if 'end=' in x))
        text += ('\nCycles each in-flight loader completed before its parent went: '
                 'median %d (%d loader runs); what ended them: %s.' % (
                     statistics.median(oks), len(oks), ', '.join(ends)))
    section('Parent unregister', text)

    # 5. eswitch.
    if info.get('eswitch') == 'unsupported' or not g('eswitch.n0.set20'):
        text = ('Kernel: %s. Not supported: `devlink dev eswitch show` failed on the\n'
                'sample parent, so no mode change was timed.' % K)
    else:
        rows = []
        for n in (0, 20, 200, 1000):
            st, sh, sd, lg = (g('eswitch.n%d.%s' % (n, x))
                              for x in ('set20', 'show20', 'switchdev', 'legacy'))
            if not st or not st.get('n'):
                continue
            per = lambda x: x['p50'] / 20 if x and x.get('n') else None
            rows.append([n, us(per(st)), us(per(sh)), us(per(st) - per(sh)),
                         '%d' % st['n'], cell(sd), cell(lg)])
        ports = ', '.join('%s at %s' % (info[k], k.split('_n')[1])
                          for k in sorted(info, key=lambda k: int(k.split('_n')[1]) if '_n' in k else 0)
                          if k.startswith('eswitch_ports_n'))
        text = ('Kernel: %s. `devlink -batch` of 20 alternating `eswitch set ... mode\n'
                'switchdev` / `legacy` commands in one process, against a batch of 20\n'
                '`eswitch show`: per command, the median of the runs. The last two\n'
                'columns are single CLI calls (fork+exec included). In switchdev mode\n'
                'every mdev has a devlink port, so each change adds or removes N ports.\n\n' % K +
                table(['live mdevs', 'per set', 'per show', 'set - show', 'runs',
                       'one CLI switchdev', 'one CLI legacy'], rows) +
                '\n\ndevlink ports seen in switchdev mode, per live mdevs: %s.' % ports)
    section('eswitch mode change', text)

    # 6. Memory.
    mrows, detail = memory_rows(a.results)
    section('Memory per live mdev',
            'Kernel: %s. Deltas between snapshots of /proc/slabinfo (active objects\n'
            'x object size) and /proc/meminfo, divided by the mdevs created between\n'
            'them. Small N is noisy. SLUB merges caches of one size\n'
            '(SLAB_MERGE_DEFAULT), so a cache is named after one of its aliases:\n'
            'kernfs nodes, for one, land in "vm_area_struct".\n\n' % K +
            table(['', 'N', 'slab objects', 'of which kmalloc-*', 'meminfo Slab', 'MemFree'],
                  mrows) + ('\n\n' + '\n'.join(detail) if detail else ''))

    # 7. Targets.
    rows = []
    be20, up20 = g('bench.c20'), g('up.c20')
    sa20 = g('sample.c20')
    if be20 and up20 and be20.get('n') and up20.get('n'):
        rows.append(['per-cycle cost <= upstream at 20 live (port-less)',
                     ratio(be20, up20), 'met' if be20['p50'] <= up20['p50'] else 'MISSED'])
    if sa20 and up20 and sa20.get('n') and up20.get('n'):
        rows.append(['per-cycle cost <= upstream at 20 live (msample-1, data path)',
                     ratio(sa20, up20), 'met' if sa20['p50'] <= up20['p50'] else 'MISSED'])
    b1k = g('bench.s1000')
    top = max([n for n in (10000, 100000) if g('bench.s%d' % n)], default=None)
    if b1k and top:
        bt = g('bench.s%d' % top)
        rows.append(['growth 1k -> %s live <= 1.2x' % '{:,}'.format(top), ratio(bt, b1k),
                     'met' if bt['p50'] <= 1.2 * b1k['p50'] else 'MISSED'])
        ft, f1k = g('floor.s%d' % top), g('floor.s1000')
        if ft and f1k and ft.get('n') and f1k.get('n'):
            norm = (bt['p50'] / ft['p50']) / (b1k['p50'] / f1k['p50'])
            rows.append(['  the same, relative to the floor at each point', '%.2fx' % norm,
                         'met' if norm <= 1.2 else 'MISSED'])
    f1 = g('floor.c1')
    if be and f1 and be.get('n') and f1.get('n'):
        rows.append(['within 2x of the floor (port-less, 1 live)', ratio(be, f1),
                     'met' if be['p50'] <= 2 * f1['p50'] else 'MISSED'])
    section('Targets', 'Kernel: %s. Ratios of medians.\n\n' % K +
            table(['target', 'measured', 'verdict'], rows))

    for title, text in out:
        print('\n== %s ==\n%s' % (title, text))
    print('\nplot: %s' % svg)
    if timing:
        print(timing)

    if a.rst:
        gen = [BEGIN, '']
        gen += ['Results of the last run. Kernel: %s (%s, %s MB, %s CPU).' % (
            K, info.get('kernel', '?'), int(info.get('mem_kb', 0)) // 1024, info.get('cpus', '?')),
            '']
        if timing:
            gen += [timing, '']
        gen += rst_sections(out)
        gen += ['The plot of the scaling table is written to ``bench/results/scaling.svg``.', '', END]
        replace_block(a.rst, BEGIN, END, '\n'.join(gen))
        print('wrote %s' % a.rst)


def vfio_section(F, info, K):
    """The VFIO side by side and the unregister beside a sleeping handler."""
    g = F.get
    rows = []

    def bps(st, per=1):
        return '{:,.0f}'.format(st['ops_s'] * per) if st and st.get('n') else '-'

    up, lo, tt = g('up.uart_loop'), g('sample.uart_loop'), g('sample.uart_tty')
    rows.append(['UART bytes/s, THR -> RBR (loop)', bps(up), bps(lo), ratio_inv(lo, up)])
    rows.append(['  one byte there and back (median)', cell(up), cell(lo), ratio(lo, up)])
    rows.append(['UART bytes/s, THR -> host tty', '-', bps(tt, 16), '-'])
    rows.append(['  16 bytes to the host tty (median)', '-', cell(tt), '-'])
    uo, so = g('up.vfio_open'), g('sample.vfio_open')
    rows.append(['VFIO open+bind+attach+close', cell(uo), cell(so), ratio(so, uo)])
    text = ('Kernel: %s. bench/mdevbench.c through the VFIO device cdev and\n'
            'iommufd (UML has no type1 backend), the first UART (BAR0) of an\n'
            'mtty-1 and of an msample-1, one byte per pread/pwrite of the region.\n'
            'Loop: each byte written to THR and read back from RBR (mtty\'s UART\n'
            'always loops so; ours in the 16550 loop mode). Host tty: ours only\n'
            '(mtty has no other end), 16 bytes to THR, then read from\n'
            '/dev/ttyMDEVn. Upstream and ours take turns in rounds in one boot,\n'
            'samples pooled. bytes/s: ours/upstream; times: ours/upstream, so\n'
            'above 1x is faster for bytes/s and slower for times.\n\n' % K +
            table(['', 'upstream mtty-1', 'ours msample-1', 'ours/up'], rows))

    al, be = g('unreg.alone'), g('unreg.beside_slow')
    ka, kb = (F.kernel(n, 'wait') for n in ('unreg.alone', 'unreg.beside_slow'))
    rows = [['A alone', cell(al), us(ka['p50']) if ka else '-', ''],
            ['A while a handler of B sleeps', cell(be), us(kb['p50']) if kb else '-',
             ratio(be, al)]]
    text2 = ('Parent A (bench/parent, no mdevs) unregistered by del_parent, alone,\n'
             'and while parent B\'s "slow" type\'s description handler sleeps\n'
             '%s ms (a vendor handler waiting for its hardware). Timed from user\n'
             'space; "wait" is the second half (SRCU grace period and references),\n'
             'timed in the kernel. The handler was still asleep after %s of the\n'
             'unregisters.\n\n' % (info.get('slow_ms', '?'), info.get('slow_still_asleep', '?')) +
             table(['', 'unregister of A', 'of which wait', 'x alone'], rows))
    targets = []
    if up and lo and up.get('n') and lo.get('n'):
        targets.append(['UART bytes/s >= upstream mtty', ratio_inv(lo, up),
                        'met' if lo['ops_s'] >= up['ops_s'] else 'MISSED'])
    if uo and so and uo.get('n') and so.get('n'):
        targets.append(['VFIO open+close <= upstream mtty', ratio(so, uo),
                        'met' if so['p50'] <= uo['p50'] else 'MISSED'])
    if al and be and al.get('n') and be.get('n'):
        # "A's ordinary time": within its own spread, or 2 ms of slack.
        ok = be['p50'] <= max(al['max'], al['p50'] + 2000)
        targets.append(['unregister of A beside a sleeping B = A alone', ratio(be, al),
                        'met' if ok else 'MISSED'])
    return [('VFIO side by side: the UART and the device open', text),
            ('Parent unregister beside a sleeping handler of another parent', text2),
            ('VFIO targets', 'Kernel: %s. Ratios as above.\n\n' % K +
             table(['target', 'measured', 'verdict'], targets))]


def ratio_inv(a, b):
    """a's rate over b's rate."""
    if not a or not b or not a.get('n') or not b.get('n'):
        return '-'
    return '%.2fx' % (a['ops_s'] / b['ops_s'])


def replace_block(path, begin, end, body):
    if os.path.exists(path):
        doc = open(path).read()
        if begin in doc and end in doc:
            doc = doc[:doc.index(begin)] + body + doc[doc.index(end) + len(end):]
        else:
            doc = doc.rstrip('\n') + '\n\n' + body + '\n'
    else:
        doc = body + '\n'
    with open(path, 'w') as f:
        f.write(doc)


def rst_sections(sections):
    gen = []
    for title, text in sections:
        gen += [title, '-' * len(title), '', '::', '']
        gen += ['  ' + x if x else '' for x in text.split('\n')]
        gen += ['']
    return gen


def overhead(g):
    clk, sysc = g('clock'), g('syscall')
    if not clk or not sysc:
        return ''
    return ('\nMeasuring overhead in the guest: two clock reads back to back %s,\n'
            'a one-byte write(2) to /dev/null %s (medians).' % (
                '%.1f us' % clk['p50'], '%.1f us' % sysc['p50']))


if __name__ == '__main__':
    sys.exit(main())
