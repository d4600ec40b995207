package io.phoenix.metrics.golden;

import java.util.ArrayList;
import java.util.List;

/** A readable line diff for a failed golden case: each difference with its line number, expected (-) and actual (+). */
final class LineDiff {

    /** Differences shown before "... and N more". */
    static final int SHOWN = 20;

    private LineDiff() {
    }

    /** Empty when equal; otherwise a report of the first {@value #SHOWN} differing lines. */
    static String of(String expected, String actual) {
        if (expected.equals(actual)) {
            return "";
        }
        List<String> a = expected.lines().toList();
        List<String> b = actual.lines().toList();
        // Longest common subsequence table, from the end: pages have a few hundred lines at most.
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        int differences = 0;
        while (i < a.size() || j < b.size()) {
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                i++;
                j++;
            } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
                if (differences++ < SHOWN) {
                    out.add(String.format("- %4d | %s", i + 1, a.get(i)));
                }
                i++;
            } else {
                if (differences++ < SHOWN) {
                    out.add(String.format("+ %4d | %s", j + 1, b.get(j)));
                }
                j++;
            }
        }
        if (differences == 0) {
            out.add("(same lines; the difference is in line endings or the final newline)");
        } else if (differences > SHOWN) {
            out.add("... and " + (differences - SHOWN) + " more differing lines");
        }
        return String.join("\n", out);
    }
}
