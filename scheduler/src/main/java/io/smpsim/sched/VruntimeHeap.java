package io.smpsim.sched;

import java.util.Arrays;

/**
 * The run queue's timeline: a binary min-heap of tasks by (vruntime, id), with each task's index
 * kept in the task so removal from the middle (migration) is O(log n). Grows only when more tasks
 * are queued than ever before, so scheduling allocates nothing in steady state.
 */
final class VruntimeHeap {
    private Task[] a = new Task[16];
    private int n;

    int size() {
        return n;
    }

    boolean isEmpty() {
        return n == 0;
    }

    Task peek() {
        return n == 0 ? null : a[0];
    }

    Task get(int i) {
        return a[i];
    }

    void add(Task t) {
        if (t.heapIndex >= 0) {
            throw new IllegalStateException(t + " is already in a run queue");
        }
        if (n == a.length) {
            a = Arrays.copyOf(a, n * 2);
        }
        a[n] = t;
        t.heapIndex = n;
        up(n++);
    }

    Task poll() {
        if (n == 0) {
            return null;
        }
        Task top = a[0];
        remove(top);
        return top;
    }

    void remove(Task t) {
        int i = t.heapIndex;
        if (i < 0 || i >= n || a[i] != t) {
            throw new IllegalStateException(t + " is not in this run queue");
        }
        n--;
        Task last = a[n];
        a[n] = null;
        t.heapIndex = -1;
        if (i < n) {
            a[i] = last;
            last.heapIndex = i;
            down(i);
            up(last.heapIndex);
        }
    }

    boolean contains(Task t) {
        return t.heapIndex >= 0 && t.heapIndex < n && a[t.heapIndex] == t;
    }

    private static boolean less(Task x, Task y) {
        return x.vruntime < y.vruntime || (x.vruntime == y.vruntime && x.id() < y.id());
    }

    private void up(int i) {
        Task t = a[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            Task p = a[parent];
            if (!less(t, p)) {
                break;
            }
            a[i] = p;
            p.heapIndex = i;
            i = parent;
        }
        a[i] = t;
        t.heapIndex = i;
    }

    private void down(int i) {
        Task t = a[i];
        while (true) {
            int l = 2 * i + 1;
            if (l >= n) {
                break;
            }
            int r = l + 1;
            int c = r < n && less(a[r], a[l]) ? r : l;
            if (!less(a[c], t)) {
                break;
            }
            a[i] = a[c];
            a[i].heapIndex = i;
            i = c;
        }
        a[i] = t;
        t.heapIndex = i;
    }
}
