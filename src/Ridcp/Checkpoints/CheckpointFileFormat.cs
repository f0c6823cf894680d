namespace Ridcp.Checkpoints;

/// <summary>The two container formats torch.save has written: zip (torch >= 1.6) and the older legacy stream.</summary>
public enum CheckpointFileFormat { Zip, Legacy }
