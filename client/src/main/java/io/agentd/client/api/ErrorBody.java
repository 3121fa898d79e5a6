package io.agentd.client.api;

/**
 * The body of every non-2xx answer: {@code {"error": {"code": …, "message": …}}}.
 *
 * @param error the error
 */
public record ErrorBody(ErrorDetail error) {

  public static ErrorBody of(String code, String message) {
    return new ErrorBody(new ErrorDetail(code, message));
  }
}
