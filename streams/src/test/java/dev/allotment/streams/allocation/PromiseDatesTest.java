package dev.allotment.streams.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** {@link PromiseDates}: batches handed out earliest first to waiting lines in service order. */
class PromiseDatesTest {
    private static final Instant JAN_10 = Instant.parse("2030-01-10T00:00:00Z");
    private static final Instant JAN_20 = Instant.parse("2030-01-20T00:00:00Z");
    private static final Instant FEB_01 = Instant.parse("2030-02-01T00:00:00Z");
    private static final Set<String> AMS = Set.of("wh-ams");
    private static final Set<String> BOTH = Set.of("wh-ams", "wh-rtm");

    private static List<Instant> dates(List<PromiseDates.Demand> demands, PromiseDates.Batch... batches) {
        return PromiseDates.dates(demands, Arrays.asList(batches));
    }

    @Test
    void aLineIsPromisedTheDateOfTheBatchThatCoversItsLastUnit() {
        assertEquals(List.of(JAN_20), dates(List.of(new PromiseDates.Demand(5, AMS)),
            new PromiseDates.Batch("wh-ams", 3, JAN_10), new PromiseDates.Batch("wh-ams", 3, JAN_20)));
    }

    @Test
    void batchesAreTakenEarliestFirstWhateverTheirOrder() {
        assertEquals(List.of(JAN_10), dates(List.of(new PromiseDates.Demand(2, AMS)),
            new PromiseDates.Batch("wh-ams", 5, FEB_01), new PromiseDates.Batch("wh-ams", 5, JAN_10)));
    }

    @Test
    void twoLinesCompetingForOneBatchTheFirstServedGetsItTheOtherTheNext() {
        List<PromiseDates.Demand> lines = List.of(new PromiseDates.Demand(4, AMS), new PromiseDates.Demand(4, AMS));
        assertEquals(Arrays.asList(JAN_10, FEB_01), dates(lines,
            new PromiseDates.Batch("wh-ams", 5, JAN_10), new PromiseDates.Batch("wh-ams", 5, FEB_01)));
        // with one batch only, the second line is not covered: no date
        assertEquals(Arrays.asList(JAN_10, null), dates(lines, new PromiseDates.Batch("wh-ams", 5, JAN_10)));
    }

    @Test
    void aLineNoBatchCoversHasNoDateYetKeepsWhatItTookFromTheLinesBehindIt() {
        List<PromiseDates.Demand> lines = List.of(new PromiseDates.Demand(10, AMS), new PromiseDates.Demand(1, AMS));
        assertEquals(Arrays.asList(null, null), dates(lines, new PromiseDates.Batch("wh-ams", 5, JAN_10)));
    }

    @Test
    void aLineTakesOnlyBatchesAtLocationsItCanBeServedFrom() {
        List<PromiseDates.Demand> lines = List.of(new PromiseDates.Demand(3, AMS), new PromiseDates.Demand(3, BOTH));
        assertEquals(Arrays.asList(FEB_01, JAN_10), dates(lines,
            new PromiseDates.Batch("wh-rtm", 3, JAN_10), new PromiseDates.Batch("wh-ams", 3, FEB_01)));
    }

    @Test
    void aBatchThatSlipsMovesTheDate() {
        List<PromiseDates.Demand> line = List.of(new PromiseDates.Demand(2, AMS));
        assertEquals(List.of(JAN_10), dates(line, new PromiseDates.Batch("wh-ams", 2, JAN_10)));
        assertEquals(List.of(FEB_01), dates(line, new PromiseDates.Batch("wh-ams", 2, FEB_01)));
    }

    @Test
    void aBatchThatArrivedAndWasRemovedNoLongerDatesTheLine() {
        // the first line was served by the arrival; the second now has the later batch to itself
        List<PromiseDates.Demand> after = List.of(new PromiseDates.Demand(4, AMS));
        assertEquals(List.of(JAN_20), dates(after, new PromiseDates.Batch("wh-ams", 4, JAN_20)));
        assertEquals(Arrays.asList((Instant) null), dates(after));
    }
}
