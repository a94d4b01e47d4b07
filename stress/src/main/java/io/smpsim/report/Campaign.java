package io.smpsim.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A campaign: {@code count} runs of one configuration with the seeds {@code firstSeed},
 * {@code firstSeed + 1}, ..., split over {@code shards} shards so that seed number k (counting from
 * 0) runs on shard {@code k mod shards} and nowhere else.
 *
 * @param config the configuration of every run but its seed (as JSON, for merge to compare)
 */
public record Campaign(long firstSeed, int count, int shard, int shards, JsonNode config) {
    public Campaign {
        if (count < 1) {
            throw new IllegalArgumentException("a campaign needs at least one seed");
        }
        if (shards < 1 || shard < 0 || shard >= shards) {
            throw new IllegalArgumentException("shard " + shard + "/" + shards + " is not one of 0/" + shards + ".."
                + (shards - 1) + "/" + shards);
        }
    }

    /** The seeds this shard runs, in order. */
    public List<Long> seeds() {
        List<Long> out = new ArrayList<>();
        for (int k = shard; k < count; k += shards) {
            out.add(firstSeed + k);
        }
        return out;
    }

    public ObjectNode toJson() {
        ObjectNode o = ReportJson.MAPPER.createObjectNode();
        o.put("firstSeed", firstSeed);
        o.put("seeds", count);
        o.put("shard", shard);
        o.put("shards", shards);
        o.set("config", config);
        return o;
    }

    public static Campaign fromJson(JsonNode o) {
        return new Campaign(ReportJson.need(o, "firstSeed").asLong(), ReportJson.need(o, "seeds").asInt(),
            ReportJson.need(o, "shard").asInt(), ReportJson.need(o, "shards").asInt(), ReportJson.need(o, "config"));
    }
}
