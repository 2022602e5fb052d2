package ivs

// Plain words for the program output's states, shared by the board, the
// stage and composition pages, history and alerts. The API says only a
// destination's state (its detail holds nothing but the S3 recording
// prefix), so the words say what the state means and what to check.

// DestinationKind names a destination's type from its channel or storage
// configuration ARN ("destination" when neither is known, as in a list).
func DestinationKind(channelARN, storageARN string) string {
	return Destination{ChannelARN: channelARN, StorageConfigurationARN: storageARN}.Kind()
}

// ExplainDestination says in plain words what a failing destination state
// means and what to check; "" for a state that is not a failure.
func ExplainDestination(state, kind string) string {
	check := "check the destination"
	switch kind {
	case "IVS channel":
		check = "check that the channel exists in this region and that nothing else streams into it"
	case "S3 recording":
		check = "check that the storage configuration's bucket exists and lets IVS write to it"
	}
	switch state {
	case DestinationReconnecting:
		return "IVS lost the connection to this " + kind + " and is reconnecting: the program is not reaching it; " + check + "."
	case CompositionFailed:
		return "IVS could not deliver the program to this " + kind + " and gave up: " + check + ", then start a new composition."
	}
	return ""
}

// ExplainComposition says what a FAILED composition means; "" otherwise.
func ExplainComposition(state string) string {
	if state == CompositionFailed {
		return "The composition failed: IVS stopped mixing this stage, so no destination receives the program. Start a new composition."
	}
	return ""
}
