public enum HTTP2ServerPlaceholder {}
