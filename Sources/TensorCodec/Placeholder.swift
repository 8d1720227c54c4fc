public enum TensorCodecPlaceholder {}
