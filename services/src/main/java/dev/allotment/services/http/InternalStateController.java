package dev.allotment.services.http;

import dev.allotment.services.auth.Allowed;
import dev.allotment.services.auth.Role;
import dev.allotment.services.cluster.LocalAnswers;
import dev.allotment.services.cluster.PeerClient;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.swagger.v3.oas.annotations.Hidden;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Where another instance of the engine reads what this one's stores hold ({@link LocalAnswers}): the peer role alone
 * (the cluster secret). {@code stale=true} asks for this instance's standby copy of a keyed query's partition. A copy
 * that does not answer is a 503; a query this instance does not know, a 422.
 */
@Controller("/internal/state")
@ExecuteOn(TaskExecutors.BLOCKING)
@Hidden
public class InternalStateController {
    private final LocalAnswers answers;

    public InternalStateController(LocalAnswers answers) {
        this.answers = answers;
    }

    @Get(uri = "/{query}", produces = MediaType.APPLICATION_OCTET_STREAM)
    @Allowed(Role.PEER)
    public HttpResponse<byte[]> read(@PathVariable String query, HttpRequest<?> request) {
        Map<String, String> params = new LinkedHashMap<>();
        request.getParameters().forEach((name, values) -> params.put(name, values.isEmpty() ? null : values.get(0)));
        boolean stale = "true".equals(params.remove("stale"));
        try {
            LocalAnswers.Answer answer = answers.answer(query, params, stale);
            MutableHttpResponse<byte[]> response = HttpResponse.ok(answer.frame());
            answer.partitions().ifPresent(p -> response.header(PeerClient.PARTITIONS_HEADER,
                p.stream().map(String::valueOf).collect(Collectors.joining(","))));
            return response;
        } catch (IllegalArgumentException e) {
            throw InvalidRequestException.of("query", e.getMessage());
        }
    }
}
