module ScratchNet.Core.Properties.Placeholder
