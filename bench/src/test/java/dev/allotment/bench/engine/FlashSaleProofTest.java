package dev.allotment.bench.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The flash sale's proof of zero oversell, on the decision log's account and the engine's stock. */
class FlashSaleProofTest {
    private static final Map<String, Integer> STOCK = FlashSaleScenario.split(10, List.of("L1", "L2", "L3", "L4"));

    private static SaleLedger ledger(int allocatedAtL1, int allocatedAtL2, int allocatedAtL3, int allocatedAtL4, int backordered) {
        SaleLedger ledger = new SaleLedger();
        int order = 0;
        int[] at = {allocatedAtL1, allocatedAtL2, allocatedAtL3, allocatedAtL4};
        for (int l = 0; l < 4; l++) {
            for (int i = 0; i < at[l]; i++) {
                ledger.decided("o-" + order++, "1", "FLASH", "L" + (l + 1), 1, true);
            }
        }
        for (int i = 0; i < backordered; i++) {
            ledger.decided("o-" + order++, "1", "FLASH", null, 1, false);
        }
        return ledger;
    }

    private static Map<String, EngineReady.Level> engine(int... allocated) {
        int[] physical = {3, 3, 2, 2};
        return Map.of("L1", level(physical[0], allocated[0]), "L2", level(physical[1], allocated[1]),
            "L3", level(physical[2], allocated[2]), "L4", level(physical[3], allocated[3]));
    }

    private static EngineReady.Level level(int physical, int allocated) {
        return new EngineReady.Level(physical, allocated, physical - allocated);
    }

    @Test
    void stockIsSplitEvenlyTheFirstLocationsTakingTheRemainder() {
        assertEquals(Map.of("L1", 3, "L2", 3, "L3", 2, "L4", 2), STOCK);
        assertEquals(Map.of("L1", 7), FlashSaleScenario.split(7, List.of("L1")));
    }

    @Test
    void aCleanSaleProvesZeroOversell() {
        FlashSaleScenario.Proof p = FlashSaleScenario.Proof.of(100, STOCK, ledger(3, 3, 2, 2, 90).tally("FLASH"), engine(3, 3, 2, 2), 1);
        assertEquals(List.of(), p.failures());
        assertEquals(true, p.facts().get("zero_oversell"));
        assertEquals(10L, p.facts().get("allocated"));
        assertEquals(90L, p.facts().get("backordered"));
        assertEquals("L1:3 L2:3 L3:2 L4:2", p.facts().get("allocated_at"));
        assertEquals(0L, p.facts().get("engine_available"));
    }

    @Test
    void oneUnitTooManyFailsOnTheLogAndOnTheEngine() {
        FlashSaleScenario.Proof p = FlashSaleScenario.Proof.of(100, STOCK, ledger(4, 3, 2, 2, 89).tally("FLASH"), engine(4, 3, 2, 2), 1);
        assertEquals(false, p.facts().get("zero_oversell"));
        String all = String.join("\n", p.failures());
        assertTrue(all.contains("allocated 11 units, expected 10 (oversold)"), all);
        assertTrue(all.contains("the log allocated 4 at L1, which held 3"), all);
        assertTrue(all.contains("allocated 4 > physical 3 at L1"), all);
        assertEquals(1L, p.facts().get("engine_oversold_locations"));
    }

    @Test
    void lostDecisionsStockLeftOverAndALineAllocatedTwiceFail() {
        SaleLedger twice = ledger(3, 3, 2, 1, 80);
        twice.decided("o-0", "1", "FLASH", "L4", 1, true);   // o-0's line again
        FlashSaleScenario.Proof p = FlashSaleScenario.Proof.of(100, STOCK, twice.tally("FLASH"), engine(3, 3, 2, 1), 1);
        String all = String.join("\n", p.failures());
        assertTrue(all.contains("allocated 10 + backordered 80 is not the 100 orders"), all);
        assertTrue(all.contains("1 order lines allocated again"), all);
        assertTrue(all.contains("the engine shows allocated 1 at L4, the log 2"), all);
        assertTrue(all.contains("available 1 at L4, expected 0"), all);

        FlashSaleScenario.Proof undersold = FlashSaleScenario.Proof.of(100, STOCK, ledger(3, 3, 2, 1, 91).tally("FLASH"),
            engine(3, 3, 2, 1), 1);
        assertTrue(String.join("\n", undersold.failures()).contains("stock left while orders were refused"), undersold.failures().toString());
    }

    @Test
    void aLineFilledAfterItsBackorderIsAllocatedOnceAndProvenOnlyWhenTheSkuIsSharded() {
        SaleLedger ledger = ledger(3, 3, 2, 1, 90);
        ledger.decided("o-99", "1", "FLASH", null, 1, false);   // backordered on a dry shard…
        assertTrue(ledger.backordered("o-99", "1", "FLASH"));
        assertTrue(!ledger.backordered("o-0", "1", "FLASH"));
        ledger.decided("o-99", "1", "FLASH", "L4", 1, true);    // …and filled after a rebalancing
        SaleLedger.Tally tally = ledger.tally("FLASH");
        assertEquals(10L, tally.allocated());
        assertEquals(90L, tally.backordered());
        assertEquals(1L, tally.filledAfterBackorder());

        FlashSaleScenario.Proof sharded = FlashSaleScenario.Proof.of(100, STOCK, tally, engine(3, 3, 2, 2), 4);
        assertEquals(List.of(), sharded.failures());
        assertEquals(1L, sharded.facts().get("filled_after_backorder"));

        FlashSaleScenario.Proof whole = FlashSaleScenario.Proof.of(100, STOCK, tally, engine(3, 3, 2, 2), 1);
        assertTrue(String.join("\n", whole.failures()).contains("1 order lines allocated after their backorder"),
            whole.failures().toString());
    }

    @Test
    void aShardedSaleThatNeverFillsItsBackorderedLinesLeavesStockAndFails() {
        SaleLedger ledger = ledger(3, 3, 2, 1, 91);   // one unit at L4 never allocated
        FlashSaleScenario.Proof p = FlashSaleScenario.Proof.of(100, STOCK, ledger.tally("FLASH"), engine(3, 3, 2, 1), 4);
        assertTrue(String.join("\n", p.failures()).contains("stock left while orders were refused"), p.failures().toString());
    }

    @Test
    void shardsAreConfiguredForEverySaleAndWarmUpOfAStack() {
        assertEquals(List.of(), FlashSaleScenario.shardSettings(dev.allotment.bench.Options.parse("flash-sale")));
        assertEquals(List.of("-Dallotment.shards=FLASH-1=4,WARM-1=4,FLASH-2=4,WARM-2=4"),
            FlashSaleScenario.shardSettings(dev.allotment.bench.Options.parse("flash-sale", "--shards", "4")));
        assertEquals(List.of("-Dallotment.shards=FLASH-1=2,WARM-1=2,FLASH-2=2,WARM-2=2,FLASH-3=2,WARM-3=2"),
            FlashSaleScenario.shardSettings(dev.allotment.bench.Options.parse("flash-sale", "--shards", "2",
                "--clients", "8", "--rate", "max,1000,2000")));
        assertThrows(IllegalArgumentException.class,
            () -> dev.allotment.bench.Options.parse("flash-sale", "--shards", "0").shards());
    }

    @Test
    void theEngineMustShowTheStockCounted() {
        Map<String, EngineReady.Level> missing = new java.util.HashMap<>(engine(3, 3, 2, 2));
        missing.remove("L4");
        missing.put("L9", level(0, 1));
        String all = String.join("\n", FlashSaleScenario.Proof.of(100, STOCK, ledger(3, 3, 2, 2, 90).tally("FLASH"), missing, 1).failures());
        assertTrue(all.contains("no stock at L4"), all);
        assertTrue(all.contains("allocated 1 at L9, which was never stocked"), all);
    }
}
