package dev.allotment.services.http;

import dev.allotment.services.errors.ErrorBody;
import java.util.List;

/** A request whose body or parameters are wrong; answered 400 naming every bad field. Nothing was applied. */
public class InvalidRequestException extends RuntimeException {
    private final List<ErrorBody.FieldError> fields;

    public InvalidRequestException(List<ErrorBody.FieldError> fields) {
        super(fields.toString());
        this.fields = List.copyOf(fields);
    }

    public static InvalidRequestException of(String field, String message) {
        return new InvalidRequestException(List.of(new ErrorBody.FieldError(field, message)));
    }

    public List<ErrorBody.FieldError> fields() {
        return fields;
    }
}
